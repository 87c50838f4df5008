/**
 * Mapping: which D365 column goes to which Spotler contact property, read from a JSON file the
 * customer can edit (spotbridge.mapping.file; the built-in default-mapping.json otherwise). Pure
 * functions, no I/O while mapping. Its versions, and the dry run of a proposed mapping against
 * chosen records (MappingDryRun).
 */
package dev.spotbridge.mapping;
