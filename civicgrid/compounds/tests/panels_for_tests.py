"""A panel's context function for test_pages (a stand-in for the property app's panels)."""


def example(request, compound):
    if not compound.name.startswith("幸福"):
        return None
    return {"text": f"面板：{compound.name}<b>"}
