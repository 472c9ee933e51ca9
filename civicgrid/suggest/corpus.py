"""What the model learns from: (a) the corpus files, (b) the categories' own words, (c) the
installation's closed cases under their final category; and the held-out set it is measured on."""

from dataclasses import dataclass, field

from civicgrid.suggest import conf


@dataclass
class Samples:
    texts: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def add(self, source, text, code):
        text = " ".join(str(text or "").split())
        if text:
            self.texts.append(text)
            self.labels.append(code)
            self.counts[source] = self.counts.get(source, 0) + 1

    def digest(self):
        """A fingerprint of every text and its label: a case moved to another category, an edited
        corpus line or a renamed category changes it even when no count does."""
        import hashlib

        hashed = hashlib.sha256()
        for text, label in zip(self.texts, self.labels, strict=True):
            hashed.update(f"{label}\t{text}\n".encode())
        return hashed.hexdigest()


def corpus_lines(directory=None):
    """{minor code: [text, …]} from <code>.txt files (blank lines and lines starting with # skipped)."""
    from pathlib import Path

    directory = Path(directory or conf.get("SUGGEST_TRAIN_DIR"))
    found = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        found[path.stem] = [line for line in lines if line and not line.startswith("#")]
    return found


def heldout(path=None):
    """[(minor code, text)] from the held-out file; FileNotFoundError when it is missing."""
    from pathlib import Path

    path = Path(path or conf.get("SUGGEST_HELDOUT_FILE"))
    if not path.is_file():
        raise FileNotFoundError(f"the held-out set {path} is missing (minor_code<TAB>text, one a line)")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        code, tab, text = line.partition("\t")
        if not tab or not text.strip():
            raise ValueError(f"{path}:{number}: expected minor_code<TAB>text")
        rows.append((code.strip(), text.strip()))
    return rows


def gather(directory=None, max_cases=None):
    """Every training text with its minor code, for the selectable minor categories only."""
    from civicgrid.cases.models import Case, Category, Status

    minors = {c.code: c for c in Category.objects.selectable().select_related("parent")}
    samples = Samples()
    for code, lines in corpus_lines(directory).items():
        if code in minors:
            for line in lines:
                samples.add("corpus", line, code)
    for code, minor in minors.items():
        samples.add("categories", minor.name, code)
        samples.add("categories", f"{minor.parent.name} {minor.name} {minor.keywords}", code)
        for keyword in minor.keywords.split():
            samples.add("categories", f"{keyword} {minor.name}", code)
        if minor.description:
            samples.add("categories", minor.description, code)
    max_cases = conf.get("SUGGEST_MAX_CASES") if max_cases is None else max_cases
    # The whole installation's closed cases (a system job, no user's scope): their category is the
    # final one, after dispatchers' corrections.
    closed = (
        Case.objects.filter(status=Status.CLOSED, category__code__in=list(minors))
        .order_by("-closed_at", "-pk")
        .values_list("title", "description", "category__code")[:max_cases]
    )
    for title, description, code in closed:
        samples.add("cases", f"{title} {description}", code)
    return samples
