"""Public test kit for adapter authors: hypothesis strategies and the storage contract.

Needs the ``testing`` extra (pytest and hypothesis): ``pip install "mediation-core[testing]"``.
"""
