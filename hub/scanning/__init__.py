"""Reading our codes from what a scanner sees: camera frames, photos, keyboard-wedge bursts."""
