"""Shared fixtures: small, seeded, imbalanced text data and fitted tiny models."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

SPAM_WORDS = ["free", "prize", "winner", "cash", "claim", "urgent", "offer", "txt", "call"]
HAM_WORDS = ["lunch", "home", "later", "sorry", "mum", "meeting", "tonight", "thanks", "ok"]
SHARED_WORDS = ["the", "you", "now", "to", "a", "is", "my", "and", "for", "at"]

# How far two predictions of the same text by the same model may differ when they
# were computed in batches of other shapes, with another number of threads, or in
# another process. TensorFlow's float32 CPU kernels pick their blocking and
# vectorization by batch shape and instruction set, so such results agree to a few
# float32 ulps (2**-24 ~ 6e-8 near 1.0), not bit for bit. The same call repeated on
# the same batch in the same process is bit-identical, and is asserted as such.
FLOAT32_ATOL = 1e-6


def assert_float32_close(actual, expected, err_msg=""):
    """Probabilities equal up to float32 rounding (``FLOAT32_ATOL``, absolute)."""
    np.testing.assert_allclose(actual, expected, rtol=0, atol=FLOAT32_ATOL, err_msg=err_msg)


def make_texts(n_samples=240, minority=0.2, seed=0):
    """Texts with a learnable but noisy signal: minority class uses 'spam' words."""
    rng = np.random.RandomState(seed)
    y = (rng.rand(n_samples) < minority).astype(int)
    y[:2] = [0, 1]  # both classes present whatever the seed
    texts = []
    for label in y:
        own = SPAM_WORDS if label else HAM_WORDS
        other = HAM_WORDS if label else SPAM_WORDS
        words = list(rng.choice(SHARED_WORDS, rng.randint(3, 7)))
        words += list(rng.choice(own, rng.randint(1, 3)))
        if rng.rand() < 0.3:
            words.append(rng.choice(other))
        rng.shuffle(words)
        texts.append(" ".join(words))
    return np.array(texts, dtype=object), y


@pytest.fixture(scope="session")
def text_data():
    return make_texts()


@pytest.fixture(scope="session")
def small_text_data():
    return make_texts(n_samples=80, minority=0.25, seed=1)


# Settings of a KerasHubTextClassifier small enough to fit in seconds on the tiny preset.
TINY_HUB = dict(sequence_length=16, epochs=2, batch_size=16, learning_rate=1e-3,
                random_state=0)


def make_tiny_hub_preset(folder):
    """A tiny BERT text classifier built from a config (nothing downloads), saved as a
    KerasHub preset folder: 1 layer, 2 heads, width 16, the fixture texts' words."""
    import keras
    import keras_hub

    keras.utils.set_random_seed(0)  # the same weights in every session
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                  *SPAM_WORDS, *HAM_WORDS, *SHARED_WORDS]
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=vocabulary, lowercase=True)
    preprocessor = keras_hub.models.BertTextClassifierPreprocessor(
        tokenizer=tokenizer, sequence_length=32)
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(vocabulary), num_layers=1, num_heads=2, hidden_dim=16,
        intermediate_dim=32, max_sequence_length=32)
    keras_hub.models.BertTextClassifier(
        backbone=backbone, preprocessor=preprocessor, num_classes=2,
    ).save_to_preset(str(folder))
    return str(folder)


@pytest.fixture(scope="session")
def tiny_hub_preset(tmp_path_factory):
    """The folder of the tiny KerasHub preset; skips where keras-hub is not installed."""
    pytest.importorskip("keras_hub")
    return make_tiny_hub_preset(tmp_path_factory.mktemp("hub") / "tiny_bert")
