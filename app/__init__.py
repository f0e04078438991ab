"""Security Cooperation Catalogue: Japan's security cooperation, sentence by sentence."""

__version__ = "0.1.0"
