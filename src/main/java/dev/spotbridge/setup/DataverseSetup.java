package dev.spotbridge.setup;

import dev.spotbridge.dataverse.SolutionGateway;
import dev.spotbridge.dataverse.SolutionGateway.Endpoint;
import dev.spotbridge.dataverse.SolutionGateway.Image;
import dev.spotbridge.dataverse.SolutionGateway.Step;
import dev.spotbridge.dataverse.SolutionGateway.StepRow;
import dev.spotbridge.dataverse.SolutionGateway.TableDefinition;
import dev.spotbridge.ingest.WebhookKeys;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.mapping.Mapping;
import dev.spotbridge.setup.SolutionDefinition.Choice;
import dev.spotbridge.setup.SolutionDefinition.Column;
import dev.spotbridge.setup.SolutionDefinition.Option;
import dev.spotbridge.setup.SolutionDefinition.Table;
import dev.spotbridge.setup.WebhookSteps.ImageSpec;
import dev.spotbridge.setup.WebhookSteps.StepSpec;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Brings a Dataverse org to the Spotbridge solution, or says how far it is from it: publisher and
 * solution, global choices, tables, columns (all through the metadata API, into the solution), the
 * webhook endpoint, and every step and image the mapping in force needs. One walk serves the check
 * (read only), the dry run (what setup would do) and setup itself (doing it, in dependency order);
 * a second setup finds nothing to do.
 */
@ApplicationScoped
public class DataverseSetup {

    /** The one call that fixes what setup can fix. */
    static final String FIX = "POST /api/setup/dataverse";

    static final String ENDPOINT_NAME = "Spotbridge webhook";

    static final String WEBHOOK_PATH = "/api/d365/webhook";

    /** solutioncomponent.componenttype of a step and of a service endpoint. */
    private static final int STEP_COMPONENT = 92;

    private static final int ENDPOINT_COMPONENT = 95;

    private static final Map<String, String> ATTRIBUTE_TYPES =
            Map.of(
                    "text", "String",
                    "memo", "Memo",
                    "integer", "Integer",
                    "boolean", "Boolean",
                    "datetime", "DateTime",
                    "choice", "Picklist",
                    "lookup", "Lookup");

    private static final Logger LOG = Logger.getLogger(DataverseSetup.class.getName());

    @Inject SolutionGateway dataverse;

    @Inject ActiveMapping mapping;

    @Inject SpotlerGateway spotler;

    @Inject WebhookKeys keys;

    /**
     * The runtime app registration, whose application user gets the Spotbridge Integration role.
     */
    @Inject
    @ConfigProperty(name = "dataverse.client.id")
    Optional<String> runtimeClientId;

    /** The role the runtime application user needs. */
    static final String RUNTIME_ROLE = "Spotbridge Integration";

    /** Where Dataverse reaches Spotbridge: the webhook goes to this URL + /api/d365/webhook. */
    @Inject
    @ConfigProperty(name = "spotbridge.public-url")
    Optional<String> publicUrl;

    private final SolutionDefinition definition = SolutionDefinition.load();

    private final SolutionParts parts = SolutionParts.load();

    /** What the walk does: read only, say what it would do, or do it. */
    enum Mode {
        CHECK,
        PLAN,
        APPLY
    }

    /**
     * The items a walk found. After setup, {@code done} lists what it changed and {@code failure}
     * what stopped it (null when nothing did).
     */
    public record Report(List<SetupItem> items, List<String> done, String failure) {

        public boolean ok() {
            return failure == null && items.stream().allMatch(SetupItem::ok);
        }

        /** The items setup itself can fix. */
        public List<SetupItem> fixable() {
            return items.stream().filter(i -> !i.ok() && FIX.equals(i.fix())).toList();
        }
    }

    public SolutionDefinition definition() {
        return definition;
    }

    /** Reads everything back and says what is OK, missing or drifted. */
    public synchronized Report check() {
        return new Walk(Mode.CHECK).run();
    }

    /**
     * Creates or updates what is missing or drifted ({@code dryRun}: only says what it would do).
     */
    public synchronized Report setup(boolean dryRun) {
        Report report = new Walk(dryRun ? Mode.PLAN : Mode.APPLY).run();
        if (!dryRun) {
            LOG.info(
                    () ->
                            "setup: "
                                    + (report.done().isEmpty()
                                            ? "nothing to change"
                                            : report.done().size()
                                                    + " changes: "
                                                    + String.join("; ", report.done()))
                                    + (report.failure() == null
                                            ? ""
                                            : "; stopped: " + report.failure()));
        }
        return report;
    }

    /** One walk over the solution, in dependency order. */
    private final class Walk {

        private final Mode mode;
        private final List<SetupItem> items = new ArrayList<>();
        private final List<String> done = new ArrayList<>();
        private final Map<String, String> choiceIds = new HashMap<>();
        private final Map<String, Optional<String>> messageIds = new HashMap<>();
        private String publisherId;
        private final String solution = definition.solution().uniqueName();

        Walk(Mode mode) {
            this.mode = mode;
        }

        Report run() {
            try {
                solution();
                choices();
                tables();
                columns();
                parts();
                webhook();
                // last of Dataverse: an identity that may not create roles still gets the sync
                // going
                roles();
                spotler();
            } catch (RuntimeException e) {
                if (mode != Mode.APPLY) {
                    throw e;
                }
                return new Report(items, done, e.getMessage());
            }
            return new Report(items, done, null);
        }

        private boolean apply() {
            return mode == Mode.APPLY;
        }

        private void record(SetupItem item) {
            items.add(item);
        }

        private void did(String what) {
            done.add(what);
        }

        private void solution() {
            SolutionDefinition.Publisher p = definition.publisher();
            Optional<String> publisher = dataverse.publisherId(p.uniqueName());
            if (publisher.isPresent()) {
                publisherId = publisher.get();
                record(SetupItem.ok("publisher", p.uniqueName()));
            } else {
                record(
                        SetupItem.missing(
                                "publisher",
                                p.uniqueName(),
                                "no publisher "
                                        + p.uniqueName()
                                        + " (prefix "
                                        + p.prefix()
                                        + ", option values from "
                                        + p.optionValuePrefix()
                                        + "0000)"));
                if (apply()) {
                    publisherId =
                            dataverse.createPublisher(
                                    p.uniqueName(),
                                    p.displayName(),
                                    p.prefix(),
                                    p.optionValuePrefix());
                    did("created the publisher " + p.uniqueName());
                }
            }
            SolutionDefinition.Solution s = definition.solution();
            Optional<SolutionGateway.SolutionRow> row = dataverse.solution(s.uniqueName());
            if (row.isEmpty()) {
                record(
                        SetupItem.missing(
                                "solution", s.uniqueName(), "the solution is not in the org"));
                if (apply()) {
                    dataverse.createSolution(
                            s.uniqueName(),
                            s.displayName(),
                            s.version(),
                            s.description(),
                            publisherId);
                    did("created the solution " + s.uniqueName() + " " + s.version());
                }
            } else if (row.get().managed()) {
                record(
                        SetupItem.ok(
                                "solution",
                                s.uniqueName() + " " + row.get().version() + " (managed)"));
            } else if (!s.version().equals(row.get().version())) {
                record(
                        SetupItem.drifted(
                                "solution",
                                s.uniqueName(),
                                "version "
                                        + row.get().version()
                                        + ", this Spotbridge brings "
                                        + s.version()));
                if (apply()) {
                    dataverse.updateSolution(row.get().id(), s.version(), s.description());
                    did("set the solution's version to " + s.version());
                }
            } else {
                record(SetupItem.ok("solution", s.uniqueName() + " " + s.version()));
            }
        }

        private void choices() {
            for (Choice choice : definition.choices()) {
                Optional<SolutionGateway.ChoiceDefinition> found = dataverse.choice(choice.name());
                if (found.isEmpty()) {
                    record(
                            SetupItem.missing(
                                    "choice", choice.name(), "the global choice does not exist"));
                    if (apply()) {
                        Map<Integer, String> options = new LinkedHashMap<>();
                        choice.options().forEach(o -> options.put(o.value(), o.label()));
                        dataverse.createChoice(
                                solution,
                                choice.name(),
                                choice.label(),
                                choice.description(),
                                options);
                        did("created the choice " + choice.name());
                        found = dataverse.choice(choice.name());
                    }
                } else {
                    Set<Integer> values = found.get().values();
                    List<Option> lacking =
                            choice.options().stream()
                                    .filter(o -> !values.contains(o.value()))
                                    .toList();
                    if (lacking.isEmpty()) {
                        record(SetupItem.ok("choice", choice.name()));
                    } else {
                        record(
                                SetupItem.drifted(
                                        "choice",
                                        choice.name(),
                                        "lacks "
                                                + lacking.stream()
                                                        .map(o -> o.label() + " = " + o.value())
                                                        .collect(Collectors.joining(", "))));
                        if (apply()) {
                            for (Option o : lacking) {
                                dataverse.insertOption(
                                        solution, choice.name(), o.value(), o.label());
                                did(
                                        "added "
                                                + o.label()
                                                + " = "
                                                + o.value()
                                                + " to "
                                                + choice.name());
                            }
                        }
                    }
                }
                found.ifPresent(f -> choiceIds.put(choice.name(), f.metadataId()));
            }
        }

        private void tables() {
            for (Table table : definition.tables()) {
                if (dataverse.table(table.name()).isPresent()) {
                    record(SetupItem.ok("table", table.name()));
                    continue;
                }
                record(SetupItem.missing("table", table.name(), "the table does not exist"));
                if (apply()) {
                    dataverse.createTable(
                            solution,
                            table.name(),
                            table.label(),
                            table.plural(),
                            table.description(),
                            table.ownership(),
                            table.primaryName(),
                            table.primaryNameLabel(),
                            table.primaryNameLength());
                    did("created the table " + table.name());
                }
            }
        }

        private void columns() {
            for (String tableName : definition.tablesWithColumns()) {
                Optional<TableDefinition> table = dataverse.table(tableName);
                for (Column column : definition.columns(tableName)) {
                    String want = ATTRIBUTE_TYPES.get(column.type());
                    String have =
                            table.map(t -> t.attributeTypes().get(column.name())).orElse(null);
                    if (want.equals(have)) {
                        record(SetupItem.ok("column", column.key()));
                    } else if (have != null) {
                        record(
                                SetupItem.drifted(
                                        "column",
                                        column.key(),
                                        "is a "
                                                + have
                                                + " column, Spotbridge needs a "
                                                + want
                                                + " column",
                                        "delete the column "
                                                + column.key()
                                                + " in D365 (its data goes with it), then "
                                                + FIX));
                    } else {
                        record(
                                SetupItem.missing(
                                        "column",
                                        column.key(),
                                        table.isPresent()
                                                ? "the column does not exist"
                                                : "the column does not exist (nor its table)"));
                        if (apply()) {
                            createColumn(column);
                            did("created the column " + column.key());
                        }
                    }
                }
            }
        }

        private void createColumn(Column column) {
            if ("lookup".equals(column.type())) {
                dataverse.createLookup(
                        solution,
                        column.table(),
                        column.name(),
                        column.target(),
                        column.label(),
                        column.description(),
                        // a record's permissions and history go with it; a job keeps its result
                        !"sb_syncjob".equals(column.table()));
                return;
            }
            String choiceId = column.choice() == null ? null : choiceIds.get(column.choice());
            if (column.choice() != null && choiceId == null) {
                throw new IllegalStateException(
                        "the choice "
                                + column.choice()
                                + " of "
                                + column.key()
                                + " does not exist");
            }
            dataverse.createColumn(
                    solution,
                    column.table(),
                    column.name(),
                    column.type(),
                    column.label(),
                    column.description(),
                    column.maxLength(),
                    column.defaultValue(),
                    choiceId);
        }

        /**
         * The XML parts: the Spotler tab on every main form of contact, lead and account, the
         * views, the web resource of the commands, and the digest of this version's parts in the
         * solution's description. Anything missing or stale: one import of the parts (with every
         * main form as it is now, the tab put in), then publish.
         */
        private void parts() {
            boolean stale = false;
            Map<String, List<SolutionGateway.Form>> forms = new LinkedHashMap<>();
            for (String table : parts.tabbedTables()) {
                List<SolutionGateway.Form> main = dataverse.mainForms(table);
                forms.put(table, main);
                for (SolutionGateway.Form form : main) {
                    String name = table + " / " + form.name();
                    if (SolutionParts.hasTab(form.formXml())) {
                        record(SetupItem.ok("form", name));
                    } else {
                        stale = true;
                        record(SetupItem.missing("form", name, "the main form has no Spotler tab"));
                    }
                }
            }
            for (SolutionParts.View view : parts.views()) {
                if (dataverse.viewExists(view.id())) {
                    record(SetupItem.ok("view", view.name()));
                } else {
                    stale = true;
                    record(SetupItem.missing("view", view.name(), "the view does not exist"));
                }
            }
            for (SolutionParts.WebResource r : parts.webResources()) {
                Optional<String> content = dataverse.webResourceContent(r.name());
                String ours = Base64.getEncoder().encodeToString(r.content());
                if (content.isEmpty()) {
                    stale = true;
                    record(SetupItem.missing("web resource", r.name(), "it does not exist"));
                } else if (!ours.equals(content.get())) {
                    stale = true;
                    record(
                            SetupItem.drifted(
                                    "web resource",
                                    r.name(),
                                    "its content is not this Spotbridge's (changed by hand, or an"
                                            + " older version)"));
                } else {
                    record(SetupItem.ok("web resource", r.name()));
                }
            }
            String marker = "[parts " + parts.digest() + "]";
            Optional<SolutionGateway.SolutionRow> row =
                    dataverse.solution(definition.solution().uniqueName());
            boolean managed = row.isPresent() && row.get().managed();
            if (managed) {
                record(SetupItem.ok("parts", "forms, views and commands (managed solution)"));
                return;
            }
            if (row.isPresent()
                    && row.get().description() != null
                    && row.get().description().contains(marker)) {
                record(SetupItem.ok("parts", "forms, views and commands " + parts.digest()));
            } else {
                stale = true;
                record(
                        SetupItem.drifted(
                                "parts",
                                "forms, views and commands",
                                "this Spotbridge's parts ("
                                        + parts.digest()
                                        + ") are not imported"));
            }
            if (stale && apply()) {
                String description = definition.solution().description() + " " + marker;
                dataverse.importSolution(
                        parts.zip(definition, description, forms), UUID.randomUUID().toString());
                dataverse.publish(
                        parts.tables(),
                        parts.webResources().stream().map(SolutionParts.WebResource::id).toList());
                SolutionGateway.SolutionRow solutionRow =
                        dataverse
                                .solution(definition.solution().uniqueName())
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "the solution is gone after the import"));
                dataverse.updateSolution(
                        solutionRow.id(), definition.solution().version(), description);
                did(
                        "imported and published the forms, views and commands ("
                                + forms.values().stream().mapToInt(List::size).sum()
                                + " main forms with the Spotler tab, "
                                + parts.views().size()
                                + " views)");
            }
        }

        /**
         * The security roles of the solution, each with exactly its privileges (more is drift too:
         * least privilege), and the runtime application user holding the Spotbridge Integration
         * role.
         */
        private void roles() {
            String businessUnit = dataverse.rootBusinessUnit();
            Map<String, String> privilegeIds = null;
            String runtimeRoleId = null;
            for (SolutionDefinition.Role role : definition.roles()) {
                Map<String, String> wanted = new TreeMap<>();
                role.privileges().forEach(p -> wanted.put(p.name(), p.level()));
                Optional<SolutionGateway.Role> found = dataverse.role(role.name(), businessUnit);
                String problem;
                if (found.isEmpty()) {
                    problem = null;
                    record(
                            SetupItem.missing(
                                    "role", role.name(), "the security role does not exist"));
                } else {
                    Map<String, String> has = found.get().privileges();
                    List<String> lacks = new ArrayList<>();
                    wanted.forEach(
                            (name, depth) -> {
                                if (!depth.equals(has.get(name))) {
                                    lacks.add(name + " (" + depth + ")");
                                }
                            });
                    List<String> extra =
                            has.keySet().stream().filter(n -> !wanted.containsKey(n)).toList();
                    problem =
                            (lacks.isEmpty() ? "" : "lacks " + String.join(", ", lacks))
                                    + (!lacks.isEmpty() && !extra.isEmpty() ? "; " : "")
                                    + (extra.isEmpty()
                                            ? ""
                                            : "has privileges it does not need: "
                                                    + String.join(", ", extra));
                    if (problem.isEmpty()) {
                        record(SetupItem.ok("role", role.name()));
                    } else {
                        record(SetupItem.drifted("role", role.name(), problem));
                    }
                }
                String roleId = found.map(SolutionGateway.Role::id).orElse(null);
                if (apply() && (found.isEmpty() || !problem.isEmpty())) {
                    if (privilegeIds == null) {
                        privilegeIds = privilegeIds();
                    }
                    if (roleId == null) {
                        roleId =
                                dataverse.createRole(
                                        solution, role.name(), role.description(), businessUnit);
                    }
                    Map<String, String> depths = new LinkedHashMap<>();
                    for (Map.Entry<String, String> w : wanted.entrySet()) {
                        depths.put(privilegeIds.get(w.getKey()), w.getValue());
                    }
                    dataverse.replacePrivileges(roleId, businessUnit, depths);
                    did(
                            (found.isEmpty() ? "created" : "set the privileges of")
                                    + " the role "
                                    + role.name());
                }
                if (RUNTIME_ROLE.equals(role.name())) {
                    runtimeRoleId = roleId;
                }
            }
            applicationUser(runtimeRoleId);
        }

        /** The ids of every privilege the roles name; a name the org lacks stops setup. */
        private Map<String, String> privilegeIds() {
            Set<String> names = new TreeSet<>();
            definition.roles().forEach(r -> r.privileges().forEach(p -> names.add(p.name())));
            Map<String, String> ids = dataverse.privilegeIds(names);
            names.removeAll(ids.keySet());
            if (!names.isEmpty()) {
                throw new IllegalStateException(
                        "the org has no privileges " + names + ": are the tables created?");
            }
            return ids;
        }

        private void applicationUser(String runtimeRoleId) {
            String clientId = runtimeClientId.orElse("").trim();
            String name = "runtime application user";
            try {
                UUID.fromString(clientId);
            } catch (IllegalArgumentException e) {
                record(
                        SetupItem.drifted(
                                "application user",
                                name,
                                "DATAVERSE_CLIENT_ID '"
                                        + clientId
                                        + "' is not an app registration (client) id",
                                "set DATAVERSE_CLIENT_ID to the app registration's client id"));
                return;
            }
            Optional<SolutionGateway.AppUser> user = dataverse.applicationUser(clientId);
            if (user.isEmpty()) {
                record(
                        SetupItem.drifted(
                                "application user",
                                name,
                                "the org has no application user for the app registration "
                                        + clientId,
                                "create it: Power Platform admin center > the environment >"
                                        + " Settings > Users + permissions > Application users >"
                                        + " New app user, then POST /api/setup/dataverse"));
                return;
            }
            String label = name + " " + user.get().name();
            if (runtimeRoleId != null && user.get().roles().containsKey(runtimeRoleId)) {
                record(SetupItem.ok("application user", label));
                return;
            }
            record(
                    SetupItem.missing(
                            "application user",
                            label,
                            "does not have the " + RUNTIME_ROLE + " role"));
            if (apply() && runtimeRoleId != null) {
                dataverse.assignRole(user.get().id(), runtimeRoleId);
                did(
                        "gave the application user "
                                + user.get().name()
                                + " the "
                                + RUNTIME_ROLE
                                + " role");
            }
        }

        private void webhook() {
            Mapping inForce = mapping.get();
            List<StepSpec> wanted = WebhookSteps.desired(inForce);
            Optional<String> base = publicUrl.map(String::trim).filter(u -> !u.isEmpty());
            Optional<String> key = keys.newest();
            if (base.isEmpty() || key.isEmpty()) {
                record(
                        SetupItem.drifted(
                                "endpoint",
                                ENDPOINT_NAME,
                                base.isEmpty()
                                        ? "SPOTBRIDGE_PUBLIC_URL (spotbridge.public-url) is not set: Dataverse"
                                                + " needs the address it reaches Spotbridge at"
                                        : "SPOTBRIDGE_WEBHOOK_KEY (spotbridge.webhook.key) is not set",
                                "set it in the server's environment, restart, then " + FIX));
                wanted.forEach(
                        s ->
                                record(
                                        SetupItem.missing(
                                                "step",
                                                s.name(),
                                                "the endpoint is not registered")));
                return;
            }
            String url = base.get().replaceAll("/+$", "") + WEBHOOK_PATH;
            Optional<Endpoint> endpoint = dataverse.endpoint(ENDPOINT_NAME);
            String endpointId = endpoint.map(Endpoint::id).orElse(null);
            if (endpoint.isEmpty()) {
                record(
                        SetupItem.missing(
                                "endpoint", ENDPOINT_NAME, "no webhook endpoint to " + url));
                if (apply()) {
                    endpointId = dataverse.saveEndpoint(null, ENDPOINT_NAME, url, key.get());
                    dataverse.addToSolution(solution, endpointId, ENDPOINT_COMPONENT);
                    did("registered the webhook endpoint " + url);
                }
            } else {
                List<String> wrong = new ArrayList<>();
                if (!url.equals(endpoint.get().url())) {
                    wrong.add("its URL is " + endpoint.get().url() + ", not " + url);
                }
                if (endpoint.get().authType() != SolutionGateway.HTTP_HEADER) {
                    wrong.add(
                            "its authentication type is "
                                    + endpoint.get().authType()
                                    + ", not 5 (HttpHeader "
                                    + SolutionGateway.KEY_HEADER
                                    + ")");
                }
                if (!endpoint.get().keySet()) {
                    wrong.add("it has no key");
                } else if (!endpoint.get()
                        .description()
                        .contains("key " + SolutionGateway.keyFingerprint(key.get()))) {
                    wrong.add(
                            "its key is not the newest of SPOTBRIDGE_WEBHOOK_KEY (a rotation,"
                                    + " or a key set by hand)");
                }
                if (wrong.isEmpty()) {
                    record(SetupItem.ok("endpoint", ENDPOINT_NAME + " → " + url));
                } else {
                    record(SetupItem.drifted("endpoint", ENDPOINT_NAME, String.join("; ", wrong)));
                    if (apply()) {
                        dataverse.saveEndpoint(endpointId, ENDPOINT_NAME, url, key.get());
                        did("set the webhook endpoint to " + url + " with the current key");
                    }
                }
            }
            steps(wanted, endpointId);
        }

        private void steps(List<StepSpec> wanted, String endpointId) {
            List<Step> registered = endpointId == null ? List.of() : dataverse.steps(endpointId);
            Set<String> wantedNames = new LinkedHashSet<>();
            for (StepSpec spec : wanted) {
                wantedNames.add(spec.name());
                List<Step> named =
                        registered.stream().filter(s -> s.name().equals(spec.name())).toList();
                if (named.size() > 1) {
                    record(
                            SetupItem.drifted(
                                    "step",
                                    spec.name(),
                                    named.size()
                                            + " steps have this name: Dataverse would call Spotbridge "
                                            + named.size()
                                            + " times for each change",
                                    "delete all but one in the Plug-in Registration Tool, then "
                                            + FIX));
                    continue;
                }
                step(spec, named.isEmpty() ? null : named.get(0), endpointId);
            }
            for (Step extra : registered) {
                if (!wantedNames.contains(extra.name()) && extra.enabled()) {
                    record(
                            SetupItem.drifted(
                                    "step",
                                    extra.name(),
                                    "the mapping in force does not need this step; setup disables it"));
                    if (apply()) {
                        dataverse.disableStep(extra.id());
                        did("disabled the step " + extra.name());
                    }
                }
            }
        }

        private void step(StepSpec spec, Step current, String endpointId) {
            Optional<String> messageId =
                    messageIds.computeIfAbsent(spec.message(), dataverse::messageId);
            Optional<String> filterId =
                    messageId.flatMap(id -> dataverse.filterId(id, spec.table()));
            if (filterId.isEmpty() && spec.optional()) {
                record(
                        SetupItem.notAvailable(
                                "step",
                                spec.name(),
                                "this org offers no "
                                        + spec.message()
                                        + " message for "
                                        + spec.table()
                                        + ": members changed that way reach Spotler with the"
                                        + " list's next Sync to Spotler"));
                return;
            }
            if (filterId.isEmpty()) {
                if (mode == Mode.APPLY) {
                    throw new IllegalStateException(
                            "Dataverse has no message "
                                    + spec.message()
                                    + " for the table "
                                    + spec.table());
                }
                record(
                        SetupItem.missing(
                                "step",
                                spec.name(),
                                "not registered (its table "
                                        + spec.table()
                                        + " does not exist yet)"));
                return;
            }
            StepRow row =
                    new StepRow(
                            spec.name(),
                            messageId.get(),
                            filterId.get(),
                            endpointId,
                            spec.filteringAttributes());
            String stepId;
            if (current == null) {
                record(SetupItem.missing("step", spec.name(), "not registered"));
                if (!apply()) {
                    spec.images()
                            .forEach(
                                    i ->
                                            record(
                                                    SetupItem.missing(
                                                            "image",
                                                            spec.name() + " / " + i.alias(),
                                                            "not registered")));
                    return;
                }
                stepId = dataverse.saveStep(null, row);
                dataverse.addToSolution(solution, stepId, STEP_COMPONENT);
                did("registered the step " + spec.name());
            } else {
                stepId = current.id();
                List<String> wrong = stepDrift(spec, current, row);
                if (wrong.isEmpty()) {
                    record(SetupItem.ok("step", spec.name()));
                } else {
                    record(SetupItem.drifted("step", spec.name(), String.join("; ", wrong)));
                    if (apply()) {
                        dataverse.saveStep(stepId, row);
                        did("updated the step " + spec.name());
                    }
                }
            }
            images(spec, stepId);
        }

        private List<String> stepDrift(StepSpec spec, Step current, StepRow row) {
            List<String> wrong = new ArrayList<>();
            if (!current.enabled()) {
                wrong.add("it is disabled");
            }
            if (current.stage() != 40 || current.mode() != 1) {
                wrong.add(
                        "it runs at stage "
                                + current.stage()
                                + (current.mode() == 1 ? " asynchronously" : " synchronously")
                                + ", not asynchronously after the operation (stage 40)");
            }
            if (!row.messageId().equals(current.messageId())
                    || !row.filterId().equals(current.filterId())) {
                wrong.add("it is registered on another message or table");
            }
            Set<String> want = columnSet(spec.filteringAttributes());
            Set<String> have = columnSet(current.filteringAttributes());
            if (!want.equals(have)) {
                Set<String> lacking = new TreeSet<>(want);
                lacking.removeAll(have);
                Set<String> extra = new TreeSet<>(have);
                extra.removeAll(want);
                if (want.isEmpty()) {
                    wrong.add(
                            "its filtering attributes ("
                                    + String.join(",", have)
                                    + ") should be empty");
                } else if (have.isEmpty()) {
                    wrong.add(
                            "it has no filtering attributes: every update, Spotbridge's own"
                                    + " write-back included, would call Spotbridge");
                } else {
                    if (!lacking.isEmpty()) {
                        wrong.add(
                                "its filtering attributes lack "
                                        + String.join(", ", lacking)
                                        + ": changes of them do not reach Spotler");
                    }
                    if (!extra.isEmpty()) {
                        Set<String> echo = new TreeSet<>(extra);
                        echo.retainAll(WebhookSteps.WRITTEN_BACK);
                        wrong.add(
                                "its filtering attributes hold "
                                        + String.join(", ", extra)
                                        + (echo.isEmpty()
                                                ? ", which the mapping does not need"
                                                : ", so Spotbridge's own write-back calls it again"));
                    }
                }
            }
            return wrong;
        }

        private void images(StepSpec spec, String stepId) {
            List<Image> registered = dataverse.images(stepId);
            for (ImageSpec image : spec.images()) {
                String name = spec.name() + " / " + image.alias();
                Optional<Image> current =
                        registered.stream()
                                .filter(i -> i.alias().equals(image.alias()))
                                .findFirst();
                if (current.isEmpty()) {
                    record(SetupItem.missing("image", name, "not registered"));
                } else {
                    Set<String> lacking = new TreeSet<>(columnSet(image.attributes()));
                    lacking.removeAll(columnSet(current.get().attributes()));
                    boolean sameType = current.get().imageType() == image.type();
                    if (lacking.isEmpty()
                            && sameType
                            && !columnSet(current.get().attributes()).isEmpty()) {
                        record(SetupItem.ok("image", name));
                        continue;
                    }
                    record(
                            SetupItem.drifted(
                                    "image",
                                    name,
                                    !sameType
                                            ? "it is a "
                                                    + (current.get().imageType() == 0
                                                            ? "pre"
                                                            : "post")
                                                    + "-image"
                                            : "it lacks " + String.join(", ", lacking)));
                }
                if (apply()) {
                    dataverse.saveImage(
                            current.map(Image::id).orElse(null),
                            stepId,
                            image.alias(),
                            image.type(),
                            image.attributes(),
                            image.messageProperty());
                    did((current.isEmpty() ? "registered" : "updated") + " the image " + name);
                }
            }
        }

        private void spotler() {
            Set<String> properties;
            try {
                properties = spotler.propertyNames();
            } catch (RuntimeException e) {
                record(
                        SetupItem.drifted(
                                "spotler",
                                "contact properties",
                                "cannot read the Spotler account's properties: " + e.getMessage(),
                                "check SPOTLER_API_URL and the consumer key and secret"));
                return;
            }
            audiences();
            Mapping inForce = mapping.get();
            for (String table : List.of("contact", "lead", "account")) {
                for (Mapping.Rule rule : inForce.rules(table)) {
                    String name = table + "." + rule.column() + " → " + rule.property();
                    if (properties.contains(rule.property())) {
                        record(SetupItem.ok("spotler", name));
                    } else {
                        record(
                                SetupItem.drifted(
                                        "spotler",
                                        name,
                                        "the Spotler account has no contact property "
                                                + rule.property(),
                                        "create the property in Spotler, or map the column to"
                                                + " another one (POST /api/mapping)"));
                    }
                }
            }
        }

        /**
         * Whether the Spotler edition has audiences: without them (403) marketing lists cannot be
         * synced, the rest can.
         */
        private void audiences() {
            String name = "audiences (marketing lists)";
            try {
                spotler.audienceName("spotbridge-setup-check");
                record(SetupItem.ok("spotler", name));
            } catch (SpotlerRejectedException e) {
                record(
                        SetupItem.drifted(
                                "spotler",
                                name,
                                e.status() == 403
                                        ? "the Spotler edition has no audiences (403):"
                                                + " marketing lists are synced as temporary"
                                                + " lists, replaced as a whole at every sync"
                                        : "cannot read audiences: " + e.getMessage(),
                                e.status() == 403
                                        ? "for lists that change member by member, ask Spotler"
                                                + " for the Automation or eCommerce edition"
                                        : "check the Spotler consumer key and secret"));
            }
        }
    }

    static Set<String> columnSet(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
