"""refkeeper: resolve, verify and export the references of biomedical manuscripts."""

__version__ = "0.1.0"
