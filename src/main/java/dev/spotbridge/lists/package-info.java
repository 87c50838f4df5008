/**
 * Marketing lists: a D365 list (static, or dynamic by its FetchXML) pushed to a Spotler audience
 * with exactly its eligible members; its lifecycle (delete or deactivate removes the audience) and
 * member changes applied at once. Audiences, not temporary lists, because only audiences can add
 * and remove single members (docs/lists-and-jobs.md).
 */
package dev.spotbridge.lists;
