/**
 * Checking requests against the Proxmox VE API schema: {@link
 * ai.thinkheads.phoenix.testkit.schema.PveApiSchema} loads a schema file ({@code apidata.js} as JSON)
 * and validates a method, a concrete path and its parameters as pveproxy would;
 * {@link ai.thinkheads.phoenix.testkit.schema.PveApiReference} finds the shared reference data
 * (schemas 8.4 and 9.1, fixtures) at test time without copying it into the repository.
 */
package ai.thinkheads.phoenix.testkit.schema;
