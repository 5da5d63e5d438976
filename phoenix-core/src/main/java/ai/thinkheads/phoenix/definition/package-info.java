/**
 * Definition files: {@link ai.thinkheads.phoenix.definition.VmDefinition} is one declared VM with
 * what orchestration needs beyond its {@code VmSpec}; readers turn files into a
 * {@link ai.thinkheads.phoenix.definition.DefinitionSet} of them.
 *
 * <p>Where to start: {@link ai.thinkheads.phoenix.definition.NativeDefinitionFormat} reads and
 * writes Phoenix's own versioned JSON format (its JSON Schema ships in the jar);
 * {@link ai.thinkheads.phoenix.definition.OrchestratorConfigReader} reads the shell orchestrator's
 * {@code phoenix_vm_configs.json}. Every problem of a file is reported at once in a
 * {@link ai.thinkheads.phoenix.definition.DefinitionException}, each
 * {@link ai.thinkheads.phoenix.definition.DefinitionProblem} with JSON path, line and column. The
 * formats and the orchestrator field mapping are described in {@code docs/definition-format.md}.
 */
package ai.thinkheads.phoenix.definition;
