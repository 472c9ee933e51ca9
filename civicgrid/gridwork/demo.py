def seed_demo(run):
    return None
