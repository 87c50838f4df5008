package dev.spotbridge.jobs;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** What a campaign job did to one contact (table campaign_contact). */
@Entity
@Table(name = "campaign_contact")
public class CampaignContact {

    /** The states of a contact in a campaign job. */
    enum State {
        /** the call is being made: if the job stops here, whether it reached Spotler is unknown */
        CALLING,
        DONE,
        FAILED
    }

    @Embeddable
    public static class Key implements Serializable {

        @Column(name = "job_id")
        private String jobId;

        @Column(name = "contact_id")
        private String contactId;

        protected Key() {}

        Key(String jobId, String contactId) {
            this.jobId = jobId;
            this.contactId = contactId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.jobId.equals(jobId) && k.contactId.equals(contactId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(jobId, contactId);
        }
    }

    @EmbeddedId private Key key;

    private String state;

    private String reason;

    @Column(name = "changed_at")
    private Instant changedAt;

    protected CampaignContact() {}

    CampaignContact(String jobId, String contactId) {
        this.key = new Key(jobId, contactId);
        this.state = State.CALLING.name();
        this.changedAt = Instant.now();
    }

    String contactId() {
        return key.contactId;
    }

    State state() {
        return State.valueOf(state);
    }

    String reason() {
        return reason;
    }

    void ended(boolean done, String why) {
        this.state = (done ? State.DONE : State.FAILED).name();
        this.reason = why == null ? null : why.length() > 2000 ? why.substring(0, 2000) : why;
        this.changedAt = Instant.now();
    }
}
