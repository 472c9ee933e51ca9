"""The category model: words (jieba) and character n-grams (1–3) weighted by tf-idf, then a
multinomial logistic regression (scikit-learn), trained with a fixed seed.

Nothing here knows Django. A trained model is stored as plain arrays (numpy .npz, loaded with
allow_pickle=False) plus its vocabulary and class codes as JSON, never as a pickled object; the
prediction is rebuilt from those arrays with numpy alone (a few hundred features per text: well
under a millisecond), so the request path never touches scikit-learn.
"""

import io
import json
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

SEED = 2026
DIGITS = re.compile(r"\d+")
KEEP = re.compile(r"[\w]+")  # letters, digits and CJK; punctuation and spaces split the text
FORMAT = 1


def _cut(text):
    """jieba's segmentation on its dictionary, memory-mapped once per machine (suggest.words)."""
    from civicgrid.suggest import words

    return words.tokenizer().lcut(text)


def normalise(text):
    """Full-width forms folded (NFKC), lower case, runs of digits as one "0" (house numbers and
    phone numbers say nothing about the category)."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return DIGITS.sub("0", text)


def features(text):
    """The text's features: "w:" words (jieba) and "c:" character 1-, 2- and 3-grams within each run
    of letters and digits."""
    text = normalise(text)
    runs = KEEP.findall(text)
    found = []
    for run in runs:
        found.extend("w:" + word for word in _cut(run) if word.strip())
        for n in (1, 2, 3):
            found.extend("c:" + run[i : i + n] for i in range(len(run) - n + 1))
    return found


@dataclass
class Model:
    classes: list  # minor category codes, in the order of the coefficient columns
    vocabulary: dict  # feature -> column
    idf: np.ndarray  # (features,) float32
    weights: np.ndarray  # (features, classes) float32: the coefficients, one row per feature
    intercept: np.ndarray  # (classes,) float32

    def probabilities(self, text):
        """One probability per class (softmax of the linear scores), as a numpy array."""
        counts = {}
        for feature in features(text):
            column = self.vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        scores = self.intercept.astype(np.float64)
        if counts:
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            values = tf * self.idf[columns]
            values /= np.linalg.norm(values)
            scores = scores + values @ self.weights[columns]
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def ranked(self, text, limit=5):
        """[(code, probability)] best first."""
        probabilities = self.probabilities(text)
        order = np.argsort(-probabilities, kind="stable")[:limit]
        return [(self.classes[i], float(probabilities[i])) for i in order]

    # --- storage: arrays and JSON, no pickle ------------------------------------------------------

    def to_bytes(self):
        buffer = io.BytesIO()
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.get)
        meta = {"format": FORMAT, "classes": self.classes, "vocabulary": vocabulary}
        np.savez_compressed(
            buffer,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            idf=self.idf.astype(np.float32),
            weights=self.weights.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data):
        with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            if meta.get("format") != FORMAT:
                raise ValueError("unknown model format")
            vocabulary = {feature: i for i, feature in enumerate(meta["vocabulary"])}
            model = cls(
                classes=list(meta["classes"]),
                vocabulary=vocabulary,
                idf=arrays["idf"].astype(np.float32),
                weights=np.ascontiguousarray(arrays["weights"], dtype=np.float32),
                intercept=arrays["intercept"].astype(np.float32),
            )
        if model.weights.shape != (len(vocabulary), len(model.classes)) or model.idf.shape != (len(vocabulary),):
            raise ValueError("model arrays do not match")
        return model


def train(texts, labels, seed=SEED, weights=None, c=20.0, min_df=2):
    """A Model from parallel lists of texts and minor codes (scikit-learn, deterministic for a seed).

    `weights`: optional per-text sample weights; `min_df`: a feature counts when it occurs in at least
    that many texts (2: a third of the features and the training time for the same accuracy)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        raise ValueError("at least two categories are needed to train")
    analysed = [features(text) for text in texts]
    vectoriser = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True, min_df=min_df, dtype=np.float64)
    matrix = vectoriser.fit_transform(analysed)
    classifier = LogisticRegression(C=c, max_iter=300, random_state=seed, tol=1e-4)
    classifier.fit(matrix, labels, sample_weight=weights)
    classes = [str(code) for code in classifier.classes_]
    coefficients = classifier.coef_
    intercept = classifier.intercept_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: spell out both
        coefficients = np.vstack([-coefficients[0] / 2, coefficients[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    vocabulary = {feature: int(column) for feature, column in vectoriser.vocabulary_.items()}
    return Model(
        classes=classes,
        vocabulary=vocabulary,
        idf=vectoriser.idf_.astype(np.float32),
        weights=np.ascontiguousarray(coefficients.T, dtype=np.float32),
        intercept=intercept.astype(np.float32),
    )
