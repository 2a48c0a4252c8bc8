"""The compute core: models, encodings, evolution, galleries. Never imports Qt."""
