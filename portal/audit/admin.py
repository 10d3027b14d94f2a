"""The audit log is deliberately NOT registered in the Django admin.

Audit events are append-only (SECURITY.md §14, enforced by triggers in migration
0002): nobody may add, change or delete them, so the admin has nothing to offer.
Reading them is the auditor's job, and the auditor has no access to the admin
site at all (三员分立, ROLES.md): the auditor reads the log through the portal's
pages ``audit:event_list`` and ``audit:object_history`` (portal/audit/views.py).
A test checks that ``AuditEvent`` stays unregistered.
"""
