-- Members active in the last 90 days, with contact details for the loyalty mailing.
SELECT m.member_id, m.full_name, m.email, m.phone
FROM loyalty.members m
WHERE m.last_seen >= CURRENT_DATE - INTERVAL '90 days'
