-- Contacts changed during the run's week, for the partner feed.
SELECT c.customer_id,
       c.email,
       c.phone,
       c.postal_code
FROM crm.customers c
WHERE c.updated_at >= '{{ data_interval_start | ds }}'
  AND c.updated_at <  '{{ data_interval_end | ds }}'
{% if params.get("only_opted_in") %}
  AND c.marketing_opt_in
{% endif %}
