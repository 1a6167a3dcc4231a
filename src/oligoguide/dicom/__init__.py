"""DICOM in (issue 24): SR TID 1500 measurement reports -> Case (`sr_*`), RT plans -> dose check.

The modules import pydicom and highdicom (the `dicom` extra) inside their functions, so the package
imports without them; each face imports the module it needs.
"""
