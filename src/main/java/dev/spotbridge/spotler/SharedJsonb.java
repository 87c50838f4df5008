package dev.spotbridge.spotler;

import jakarta.json.bind.Jsonb;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * The one JSON-B context of the Spotler clients. Without it RESTEasy builds a new one (and looks
 * its provider up on the class path) for every request and every answer: a tenth of the server's
 * CPU while a backlog drained (docs/benchmarks.md).
 */
class SharedJsonb implements ContextResolver<Jsonb> {

    private final Jsonb jsonb;

    SharedJsonb(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }
}
