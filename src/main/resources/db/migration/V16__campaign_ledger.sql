-- What a campaign job (StartCampaign, StopCampaign) did to each contact, committed contact by contact: a job that
-- is redelivered, restarted or taken over after a node's death resumes here and never triggers a contact twice.
CREATE TABLE campaign_contact (
    job_id              VARCHAR(36)   NOT NULL,
    contact_id          VARCHAR(36)   NOT NULL,
    state               VARCHAR(16)   NOT NULL,
    reason              VARCHAR(2000),
    changed_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_id, contact_id)
);
