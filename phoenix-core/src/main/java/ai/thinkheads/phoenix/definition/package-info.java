/**
 * Definition files: {@link ai.thinkheads.phoenix.definition.VmDefinition} is one declared VM with
 * what orchestration needs beyond its {@code VmSpec}; readers turn files (Phoenix's own format, the
 * shell orchestrator's {@code phoenix_vm_configs.json}) into lists of them.
 */
package ai.thinkheads.phoenix.definition;
