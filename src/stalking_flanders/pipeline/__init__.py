"""The build-time pipeline: archive -> extracted -> validated -> release (see ``dvc.yaml``).

It runs from a checkout of the repository (``make release``), never from an installed wheel: the
wheel ships the runtime package (loader, ``validate``, ``diff``, ``dcat``) and the release, not
this subpackage. Runtime modules never import it; ``tests/test_boundary.py`` proves that.
"""
