package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The security model setup touches: the root business unit, the privileges of the org's tables
 * (prv&lt;Action&gt;&lt;table schema name&gt;, a custom table's made when it is created), security
 * roles and their privileges (RetrieveRolePrivilegesRole, ReplacePrivilegesRole), and the
 * application user of the sandbox's app registration with its roles (systemuserroles_association).
 */
@ApplicationScoped
public class DataverseSecurity {

    static final String ROOT_BUSINESS_UNIT = DataverseMetadata.id("businessunit/root");

    static final String APPLICATION_USER = DataverseMetadata.id("systemuser/application");

    private static final List<String> ACTIONS =
            List.of("Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share");

    /** The tables of a fresh org with privileges, by schema name. */
    private static final List<String> SYSTEM_TABLES =
            List.of("Contact", "Lead", "Account", "List", "Activity", "User", "Role");

    private static final String ROLE_PRIVILEGE = "dataverse.roleprivilege";

    private static final String USER_ROLE = "dataverse.systemuserrole";

    @Inject SandboxStore store;

    @Inject
    @ConfigProperty(
            name = "sandbox.dataverse.client.id",
            defaultValue = DataverseSandbox.DEFAULT_CLIENT_ID)
    String clientId;

    void seed() {
        store.update(
                "dataverse.businessunit",
                ROOT_BUSINESS_UNIT,
                c ->
                        c != null
                                ? c
                                : Json.createObjectBuilder()
                                        .add("businessunitid", ROOT_BUSINESS_UNIT)
                                        .add("name", "sandbox")
                                        .addNull("_parentbusinessunitid_value")
                                        .add("versionnumber", 1)
                                        .build());
        store.update(
                "dataverse.systemuser",
                APPLICATION_USER,
                c ->
                        c != null
                                ? c
                                : Json.createObjectBuilder()
                                        .add("systemuserid", APPLICATION_USER)
                                        .add("fullname", "# Spotbridge")
                                        .add("applicationid", clientId.toLowerCase(Locale.ROOT))
                                        .add("_businessunitid_value", ROOT_BUSINESS_UNIT)
                                        .add("versionnumber", 1)
                                        .build());
        SYSTEM_TABLES.forEach(this::privileges);
        for (String extra :
                List.of(
                        "prvImportCustomization",
                        "prvPublishCustomizations",
                        "prvReadAsyncOperation",
                        "prvBypassCustomBusinessLogic")) {
            privilege(extra);
        }
    }

    /** The privileges a table brings (a custom table's when it is created). */
    void privileges(String schemaName) {
        for (String action : ACTIONS) {
            privilege("prv" + action + schemaName);
        }
    }

    private void privilege(String name) {
        String id = DataverseMetadata.id("privilege/" + name);
        store.update(
                "dataverse.privilege",
                id,
                c ->
                        Json.createObjectBuilder()
                                .add("privilegeid", id)
                                .add("name", name)
                                .add("versionnumber", 1)
                                .build());
    }

    /** GET roles(id)/Microsoft.Dynamics.CRM.RetrieveRolePrivilegesRole(). */
    Response rolePrivileges(String roleId) {
        if (store.get("dataverse.role", roleId).isEmpty()) {
            return DataverseCustomization.error(
                    404, "0x80040217", "role With Id = " + roleId + " Does Not Exist");
        }
        JsonArrayBuilder privileges = Json.createArrayBuilder();
        store.all(ROLE_PRIVILEGE).stream()
                .filter(p -> p.getString("roleid").equals(roleId))
                .forEach(
                        p ->
                                privileges.add(
                                        Json.createObjectBuilder()
                                                .add("Depth", p.getString("depth"))
                                                .add("PrivilegeId", p.getString("privilegeid"))
                                                .add(
                                                        "BusinessUnitId",
                                                        p.getString("businessunitid"))
                                                .add("PrivilegeName", p.getString("name"))));
        return Response.ok(
                        Json.createObjectBuilder()
                                .add(
                                        "@odata.context",
                                        "$metadata#Microsoft.Dynamics.CRM.RetrieveRolePrivilegesRoleResponse")
                                .add("RolePrivileges", privileges)
                                .build())
                .build();
    }

    /** POST roles(id)/Microsoft.Dynamics.CRM.ReplacePrivilegesRole: the role gets exactly these. */
    Response replacePrivileges(String roleId, JsonObject body) {
        if (store.get("dataverse.role", roleId).isEmpty()) {
            return DataverseCustomization.error(
                    404, "0x80040217", "role With Id = " + roleId + " Does Not Exist");
        }
        List<JsonObject> wanted =
                body.getJsonArray("Privileges") == null
                        ? List.of()
                        : body.getJsonArray("Privileges").getValuesAs(JsonObject.class);
        for (JsonObject p : wanted) {
            String depth = p.getString("Depth", "");
            if (!List.of("Basic", "Local", "Deep", "Global").contains(depth)) {
                return DataverseCustomization.error(
                        400, "0x80040203", "Invalid privilege depth: '" + depth + "'.");
            }
            Optional<JsonObject> known =
                    store.get("dataverse.privilege", p.getString("PrivilegeId", "").toLowerCase());
            if (known.isEmpty()) {
                return DataverseCustomization.error(
                        404,
                        "0x80040217",
                        "privilege With Id = "
                                + p.getString("PrivilegeId", "")
                                + " Does Not Exist");
            }
        }
        store.all(ROLE_PRIVILEGE).stream()
                .filter(p -> p.getString("roleid").equals(roleId))
                .forEach(p -> store.delete(ROLE_PRIVILEGE, p.getString("key")));
        for (JsonObject p : wanted) {
            String privilegeId = p.getString("PrivilegeId").toLowerCase(Locale.ROOT);
            String key = roleId + "/" + privilegeId;
            String name =
                    store.get("dataverse.privilege", privilegeId).orElseThrow().getString("name");
            store.update(
                    ROLE_PRIVILEGE,
                    key,
                    c ->
                            Json.createObjectBuilder()
                                    .add("key", key)
                                    .add("roleid", roleId)
                                    .add("privilegeid", privilegeId)
                                    .add("name", name)
                                    .add("depth", p.getString("Depth"))
                                    .add(
                                            "businessunitid",
                                            p.getString("BusinessUnitId", ROOT_BUSINESS_UNIT))
                                    .build());
        }
        return Response.noContent().build();
    }

    /** The roles of a user, as systemuserroles_association expands them. */
    JsonArrayBuilder userRoles(String userId, List<String> select) {
        JsonArrayBuilder roles = Json.createArrayBuilder();
        store.all(USER_ROLE).stream()
                .filter(r -> r.getString("systemuserid").equals(userId))
                .map(r -> store.get("dataverse.role", r.getString("roleid")))
                .flatMap(Optional::stream)
                .forEach(
                        role -> {
                            var row = Json.createObjectBuilder();
                            role.forEach(
                                    (k, v) -> {
                                        if (select.isEmpty() || select.contains(k)) {
                                            row.add(k, v);
                                        }
                                    });
                            roles.add(row);
                        });
        return roles;
    }

    /** POST systemusers(id)/systemuserroles_association/$ref. */
    Response associate(String userId, JsonObject reference) {
        if (store.get("dataverse.systemuser", userId).isEmpty()) {
            return DataverseCustomization.error(
                    404, "0x80040217", "systemuser With Id = " + userId + " Does Not Exist");
        }
        String uri = reference.getString("@odata.id", "");
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("roles\\(([0-9a-fA-F-]{36})\\)$").matcher(uri);
        if (!m.find()) {
            return DataverseCustomization.error(
                    400, "0x80048d19", "The @odata.id " + uri + " is not a role.");
        }
        String roleId = m.group(1).toLowerCase(Locale.ROOT);
        if (store.get("dataverse.role", roleId).isEmpty()) {
            return DataverseCustomization.error(
                    404, "0x80040217", "role With Id = " + roleId + " Does Not Exist");
        }
        String key = userId + "/" + roleId;
        store.update(
                USER_ROLE,
                key,
                c ->
                        Json.createObjectBuilder()
                                .add("key", key)
                                .add("systemuserid", userId)
                                .add("roleid", roleId)
                                .build());
        return Response.noContent().build();
    }

    /** Forgets the roles, their privileges and assignments, and the custom tables' privileges. */
    void reset() {
        for (String kind : List.of(ROLE_PRIVILEGE, USER_ROLE)) {
            store.all(kind).forEach(r -> store.delete(kind, r.getString("key")));
        }
        store.all("dataverse.role")
                .forEach(r -> store.delete("dataverse.role", r.getString("roleid")));
        store.all("dataverse.privilege").stream()
                .filter(p -> p.getString("name").contains("sb_"))
                .forEach(p -> store.delete("dataverse.privilege", p.getString("privilegeid")));
    }
}
