/**
 * Dataverse: the webhook payload (RemoteExecutionContext) and the Web API. Parsing normalises
 * Dataverse's typed values into plain JSON; the gateway reads records under fault-tolerance
 * policies with an OAuth 2.0 client-credentials token. Dataverse types do not leave this package.
 */
package dev.spotbridge.dataverse;
