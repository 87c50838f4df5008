// Spotbridge: the "Sync to Spotler" commands of the Spotbridge solution (web resource sb_/scripts/spotbridge.js).
// Each creates Spotler jobs (sb_syncjob rows); Spotbridge receives them by its webhook and runs them.
var Spotbridge = window.Spotbridge || {};
(function (ns) {
    "use strict";

    // sb_joboperation option values (src/main/dataverse/solution.json)
    var SYNC_LIST = 100000000;
    var SYNC_CONTACTS = 100000001;
    var SETS = { contact: "contacts", lead: "leads", account: "accounts", list: "lists" };

    function bare(id) {
        return String(id).replace(/[{}]/g, "").toLowerCase();
    }

    function job(name, operation, table, id) {
        var row = { sb_name: name.substring(0, 200), sb_operation: operation };
        row["sb_" + table + "id@odata.bind"] = "/" + SETS[table] + "(" + bare(id) + ")";
        return row;
    }

    function queue(jobs, done) {
        var created = jobs.map(function (row) {
            return Xrm.WebApi.createRecord("sb_syncjob", row);
        });
        return Promise.all(created).then(
            function () {
                return Xrm.Navigation.openAlertDialog({ title: "Sync to Spotler", text: done });
            },
            function (error) {
                return Xrm.Navigation.openErrorDialog({
                    message: "The Spotler job could not be queued: " + (error && error.message ? error.message : error)
                });
            });
    }

    /** Marketing list grid: one SyncList job per selected list. */
    ns.syncLists = function (selectedIds, grid) {
        var ids = selectedIds || [];
        if (ids.length === 0) {
            return Xrm.Navigation.openAlertDialog({ text: "Select the marketing lists to sync first." });
        }
        var jobs = ids.map(function (id) {
            return job("Sync list " + bare(id), SYNC_LIST, "list", id);
        });
        return queue(jobs, ids.length === 1
            ? "The list is queued for Spotler; the job's status shows how it went."
            : ids.length + " lists are queued for Spotler; each job's status shows how it went.")
            .then(function () {
                if (grid && grid.refresh) {
                    grid.refresh();
                }
            });
    };

    /** Marketing list form: a SyncList job for this list. */
    ns.syncListFromForm = function (formContext) {
        var id = formContext.data.entity.getId();
        var name = formContext.getAttribute("listname") ? formContext.getAttribute("listname").getValue() : id;
        return queue([job("Sync list " + name, SYNC_LIST, "list", id)],
            "The list is queued for Spotler; the job's status shows how it went.");
    };

    /** Contact, lead or account form: a SyncContacts job (the resync after a re-activation in Spotler). */
    ns.syncRecord = function (formContext) {
        var entity = formContext.data.entity;
        var table = entity.getEntityName();
        return queue([job("Sync " + (entity.getPrimaryAttributeValue() || bare(entity.getId())), SYNC_CONTACTS, table, entity.getId())],
            "The record is queued for Spotler; its Spotler tab shows the status.");
    };
})(Spotbridge);
window.Spotbridge = Spotbridge;
