package dev.spotbridge.mapping;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The numbered mappings in the shared database; the highest version is in force on every node. Each
 * call is its own short transaction. Two nodes adding a version at the same moment collide on the
 * primary key; the loser's transaction fails and its caller reads again.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class MappingVersions {

    static final String CONFIG = "config";
    static final String ADMIN = "admin";

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /**
     * The version in force, after registering the configured mapping (file or built-in default) as
     * a new version when its text differs from the last configured one: an operator who edits the
     * file and restarts gets that file, while a mapping applied through the admin API stays in
     * force over an unchanged file.
     */
    public MappingVersion activate(String configuredContent, String configuredSource) {
        String checksum = checksum(configuredContent);
        Optional<MappingVersion> lastConfigured =
                em.createQuery(
                                "select m from MappingVersion m where m.origin = :origin"
                                        + " order by m.version desc",
                                MappingVersion.class)
                        .setParameter("origin", CONFIG)
                        .setMaxResults(1)
                        .getResultStream()
                        .findFirst();
        if (lastConfigured.isEmpty() || !lastConfigured.get().checksum().equals(checksum)) {
            return add(configuredContent, CONFIG, configuredSource, null, null);
        }
        return latest().orElseThrow();
    }

    /** A new version from the admin API; the caller has validated it. */
    public MappingVersion apply(String content, String appliedBy, String note) {
        return add(content, ADMIN, "admin API", appliedBy, note);
    }

    public Optional<MappingVersion> latest() {
        return em.createQuery(
                        "select m from MappingVersion m order by m.version desc",
                        MappingVersion.class)
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    public int latestNumber() {
        Integer max =
                em.createQuery("select max(m.version) from MappingVersion m", Integer.class)
                        .getSingleResult();
        return max == null ? 0 : max;
    }

    public Optional<MappingVersion> find(int version) {
        return Optional.ofNullable(em.find(MappingVersion.class, version));
    }

    /** Newest first. */
    public List<MappingVersion> all() {
        return em.createQuery(
                        "select m from MappingVersion m order by m.version desc",
                        MappingVersion.class)
                .getResultList();
    }

    private MappingVersion add(
            String content, String origin, String source, String appliedBy, String note) {
        MappingVersion version =
                new MappingVersion(
                        latestNumber() + 1,
                        content,
                        checksum(content),
                        origin,
                        source,
                        appliedBy,
                        note);
        em.persist(version);
        em.flush();
        return version;
    }

    static String checksum(String content) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
