/** Placeholder until this module's issue lands. */
package ai.thinkheads.phoenix.backend.qm;
