"""Widgets that draw snapshots; none of them runs a model."""
