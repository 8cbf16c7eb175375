"""Japanese PII detection, data classification and reversible masking for the gateway.

Typical use (build the detector once at startup)::

    det = Detector(PrivacyConfig(ner=True, custom_terms=["Project Falcon"]))
    scan = det.scan_messages(messages)
    session = Masker("pseudonymize").mask_messages(messages, scan)
    upstream_messages = session.messages
    answer = session.restore(upstream_answer)
"""

from tenbin.privacy.classes import DataClass
from tenbin.privacy.config import PrivacyConfig
from tenbin.privacy.detector import Detector, PrivacyScan
from tenbin.privacy.masking import Masker, MaskSession
from tenbin.privacy.stream import StreamRestorer
from tenbin.privacy.types import PII_LABELS, STRUCTURED_LABELS, Finding

__all__ = [
    "PII_LABELS",
    "STRUCTURED_LABELS",
    "DataClass",
    "Detector",
    "Finding",
    "MaskSession",
    "Masker",
    "PrivacyConfig",
    "PrivacyScan",
    "StreamRestorer",
]
