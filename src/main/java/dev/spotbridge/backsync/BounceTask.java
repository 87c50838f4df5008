package dev.spotbridge.backsync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A Spotler bounce event that has its D365 task (or was found to need none). */
@Entity
@Table(name = "bounce_task")
public class BounceTask {

    @Id
    @Column(name = "bounce_key")
    private String bounceKey;

    @Column(name = "record_key")
    private String recordKey;

    @Column(name = "task_id")
    private String taskId;

    @Column(name = "created_at")
    private Instant createdAt;

    protected BounceTask() {}

    BounceTask(String bounceKey, String recordKey, String taskId) {
        this.bounceKey = bounceKey;
        this.recordKey = recordKey;
        this.taskId = taskId;
        this.createdAt = Instant.now();
    }
}
