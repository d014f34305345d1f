-- Bins reported by an operator for a concierge (by phone, on paper, or a simulated pilot's concierges), beside the
-- building page and SMS replies.
ALTER TABLE bin_reports DROP CONSTRAINT bin_reports_out_source_check, DROP CONSTRAINT bin_reports_in_source_check;
ALTER TABLE bin_reports
    ADD CONSTRAINT bin_reports_out_source_check CHECK (out_source IN ('page', 'sms', 'operator')),
    ADD CONSTRAINT bin_reports_in_source_check CHECK (in_source IN ('page', 'sms', 'operator'));
