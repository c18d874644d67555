"""Pulumi components: each an Args class and a ComponentResource, in its own module."""
