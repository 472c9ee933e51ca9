"""The demo's category model: trained on the corpus, the categories and the demo's closed cases, so
`make run` suggests categories from the first page."""

from civicgrid.suggest import actions


def seed_demo(run):
    try:
        version = actions.train_model(note="demo")
    except actions.NothingToTrain:
        return "no categories: nothing to train"
    return f"category model {version.label} ({version.trained_on.get('classes', 0)} categories)"
