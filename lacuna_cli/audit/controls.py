"""The compliance controls an audit report speaks to, and which records are evidence for them.

Mappings are Lacuna's reading of the standards' control titles (ISO/IEC 27001:2013 Annex A and
its 2022 successor, GDPR articles, the HIPAA Security Rule); each control says what in the log
is the evidence, so an auditor can follow the claim to the records.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Control:
    id: str
    edition: str
    title: str
    evidence: str
    successors: tuple[str, ...] = ()


ISO27001 = (
    Control("A.9.4", "ISO/IEC 27001:2013", "System and application access control",
            "every attempted read, write and export of classified data was decided by policy "
            "before the code ran; denials and exceptions are listed below",
            ("A.8.3", "A.8.5")),
    Control("A.12.4", "ISO/IEC 27001:2013", "Logging and monitoring",
            "each decision is an append-only, hash-chained record with actor, time, resource, "
            "result and policy version; integrity verified below",
            ("A.8.15", "A.8.16")),
    Control("A.8.3", "ISO/IEC 27001:2022", "Information access restriction",
            "access to PROPRIETARY and personal data is restricted by the policies named in "
            "each decision"),
    Control("A.8.5", "ISO/IEC 27001:2022", "Secure authentication",
            "each record names the authenticated actor (git identity or CI actor) and commit"),
    Control("A.8.15", "ISO/IEC 27001:2022", "Logging",
            "records are produced for allowed, denied and suppressed operations alike"),
    Control("A.8.16", "ISO/IEC 27001:2022", "Monitoring activities",
            "violations and exceptions in the period, by policy, are summarised below"),
    Control("A.5.28", "ISO/IEC 27001:2022", "Collection of evidence",
            "the log's hash chain, Merkle tree and signed checkpoints make it tamper-evident; "
            "the verification result is part of this report"),
)

GDPR = (
    Control("Art. 5(1)(f)", "GDPR", "Integrity and confidentiality",
            "operations on personal data (PII, GDPR tags) and the decisions taken on them"),
    Control("Art. 25", "GDPR", "Data protection by design and by default",
            "exports of personal data are blocked before the code runs unless anonymized"),
    Control("Art. 30", "GDPR", "Records of processing activities",
            "the log lists each processing step on personal data with its purpose context"),
    Control("Art. 32", "GDPR", "Security of processing",
            "the tamper-evident log and its verification"),
    Control("Art. 44", "GDPR", "Transfers to third countries and external parties",
            "exports to HTTP, cloud and email destinations and their decisions"),
)

HIPAA = (
    Control("164.312(a)(1)", "HIPAA Security Rule", "Access control",
            "operations on PHI and the policy decisions that allowed or denied them"),
    Control("164.312(b)", "HIPAA Security Rule", "Audit controls",
            "hash-chained records of every decision on PHI"),
    Control("164.312(c)(1)", "HIPAA Security Rule", "Integrity",
            "verification of the chain, Merkle tree and signed checkpoints"),
    Control("164.308(a)(1)(ii)(D)", "HIPAA Security Rule", "Information system activity review",
            "violations and exceptions on PHI in the period"),
)

STANDARDS: dict[str, tuple[tuple[Control, ...], frozenset[str] | None]] = {
    # standard -> (controls, tags a record must carry to be in scope; None = every record)
    "iso27001": (ISO27001, None),
    "gdpr": (GDPR, frozenset({"PII", "GDPR"})),
    "hipaa": (HIPAA, frozenset({"PHI", "HIPAA"})),
}
