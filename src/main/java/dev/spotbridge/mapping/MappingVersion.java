package dev.spotbridge.mapping;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One mapping that has been in force: its text as given, and who brought it in, when and why. */
@Entity
@Table(name = "mapping_version")
public class MappingVersion {

    @Id private int version;

    private String content;

    private String checksum;

    /**
     * config (file or built-in default, registered at start) or admin (applied through the API).
     */
    private String origin;

    private String source;

    @Column(name = "applied_at")
    private Instant appliedAt;

    @Column(name = "applied_by")
    private String appliedBy;

    private String note;

    protected MappingVersion() {}

    MappingVersion(
            int version,
            String content,
            String checksum,
            String origin,
            String source,
            String appliedBy,
            String note) {
        this.version = version;
        this.content = content;
        this.checksum = checksum;
        this.origin = origin;
        this.source = source;
        this.appliedAt = Instant.now();
        this.appliedBy = appliedBy;
        this.note = note == null || note.length() <= 500 ? note : note.substring(0, 500);
    }

    public int version() {
        return version;
    }

    public String content() {
        return content;
    }

    String checksum() {
        return checksum;
    }

    public String origin() {
        return origin;
    }

    public String source() {
        return source;
    }

    public Instant appliedAt() {
        return appliedAt;
    }

    public String appliedBy() {
        return appliedBy;
    }

    public String note() {
        return note;
    }
}
