package ai.thinkheads.phoenix.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link Planner#plan} found to do, per VM in the order {@link Applier} runs it, with the
 * refusals that stop it from running and warnings that do not. Immutable.
 *
 * <p>{@link #render()} is the text diff for people (like Terraform's: {@code + create},
 * {@code ~ update}, {@code -/+ replace}, {@code - delete}, each key {@code old → new} with its
 * impact, then a summary line); {@link #toJson()} is the same for programs. Secrets are redacted in
 * both.
 *
 * @param vms one entry per definition (and per pruned VM), in apply order
 * @param refusals why parts of it will not run; apply refuses a plan that has any
 * @param warnings things worth knowing that do not stop apply
 * @param ownerTag the ownership tag the plan was made with
 * @param ignored what the definition files declare that Phoenix knows and does not act on, one line
 *     per file ({@code DefinitionNotice.Kind.IGNORED})
 */
public record Plan(List<VmPlan> vms, List<Refusal> refusals, List<String> warnings, String ownerTag, List<String> ignored) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Plan {
        vms = List.copyOf(vms);
        refusals = List.copyOf(refusals);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(ownerTag, "ownerTag");
        ignored = ignored == null ? List.of() : List.copyOf(ignored);
    }

    /** A plan whose definitions ignore nothing. */
    public Plan(List<VmPlan> vms, List<Refusal> refusals, List<String> warnings, String ownerTag) {
        this(vms, refusals, warnings, ownerTag, List.of());
    }

    /** Whether there is nothing to do and nothing refused. */
    public boolean isEmpty() {
        return refusals.isEmpty() && vms.stream().noneMatch(VmPlan::hasChanges);
    }

    public boolean hasRefusals() {
        return !refusals.isEmpty();
    }

    /** The entry for VM {@code name}. */
    public Optional<VmPlan> vm(String name) {
        return vms.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** Every VMID the plan names (existing and declared), which allocation for new VMs must avoid. */
    public Set<Integer> plannedVmids() {
        Set<Integer> out = new HashSet<>();
        vms.forEach(v -> v.vmidIfKnown().ifPresent(out::add));
        return out;
    }

    public long count(VmPlan.Action action) {
        return vms.stream().filter(v -> v.action() == action && v.hasChanges()).count();
    }

    /** The summary line: {@code Plan: 2 to create, 1 to update, 0 to replace, 0 to delete, 1 refused.} */
    public String summary() {
        return "Plan: " + count(VmPlan.Action.CREATE) + " to create, " + count(VmPlan.Action.UPDATE) + " to update, "
                + count(VmPlan.Action.REPLACE) + " to replace, " + count(VmPlan.Action.DELETE) + " to delete, "
                + refusals.size() + " refused.";
    }

    /** The text diff. */
    public String render() {
        return render(Set.of());
    }

    /**
     * The plan as text, as {@link #render()}, except that warnings and ignored lists that
     * {@code previous} (an earlier plan of the same definitions) already showed are not shown again:
     * one line says how many are the same. So planning an unchanged set again does not repeat them.
     */
    public String renderAfter(Plan previous) {
        Set<String> shown = new HashSet<>(previous.warnings());
        shown.addAll(previous.ignored());
        return render(shown);
    }

    private String render(Set<String> alreadyShown) {
        StringBuilder sb = new StringBuilder();
        for (VmPlan v : vms) {
            boolean onlyPending = v.action() == VmPlan.Action.NO_CHANGE && v.waitsForReboot();
            if (v.action() == VmPlan.Action.NO_CHANGE && !onlyPending || v.action() == VmPlan.Action.REFUSED) {
                continue;
            }
            String sign = switch (v.action()) {
                case CREATE -> "+";
                case UPDATE -> "~";
                case REPLACE -> "-/+";
                case DELETE -> "-";
                default -> "~";
            };
            sb.append(sign).append(' ').append(onlyPending ? "pending" : v.action().name().toLowerCase(java.util.Locale.ROOT))
                    .append(' ').append(v.name())
                    .append(" (").append(v.vmid() == null ? "new VMID" : "vmid " + v.vmid()).append(" on ")
                    .append(v.node()).append(')');
            (onlyPending ? Optional.of(Impact.NEEDS_REBOOT) : v.impact()).ifPresent(i -> sb.append("  [").append(i.words()).append(']'));
            sb.append('\n');
            if (!v.dependsOn().isEmpty()) {
                sb.append("    after ").append(String.join(", ", v.dependsOn())).append('\n');
            }
            for (Change c : v.changes()) {
                sb.append("    ").append(c.kind().words()).append(": ").append(c.description());
                if (c instanceof Change.GrowDisk g) {
                    sb.append(" (").append(g.fromSize() == null ? "if smaller" : g.fromSize() + " → " + g.toSize()).append(')');
                }
                sb.append("  [").append(c.impact().words()).append("]\n");
                for (KeyChange k : c.keys()) {
                    if (k.before() == null) {
                        sb.append("        + ").append(k.key()).append(" = ").append(k.shownAfter());
                    } else if (k.after() == null) {
                        sb.append("        - ").append(k.key()).append(" = ").append(k.shownBefore());
                    } else {
                        sb.append("        ~ ").append(k.key()).append(": ").append(k.shownBefore()).append(" → ").append(k.shownAfter());
                    }
                    if (c instanceof Change.UpdateConfig) {
                        sb.append("  [").append(k.impact().words()).append(']');
                    }
                    sb.append('\n');
                }
            }
            if (!v.pending().isEmpty()) {
                sb.append("    pending (written before, not in effect until the VM restarts):\n");
                for (KeyChange k : v.pending()) {
                    sb.append("        ~ ").append(k.key()).append(": ").append(k.before() == null ? "(none)" : k.shownBefore())
                            .append(" → ").append(k.after() == null ? "(deleted)" : k.shownAfter())
                            .append("  [").append(k.impact().words()).append("]\n");
                }
            }
            for (String n : v.notes()) {
                sb.append("    note: ").append(n).append('\n');
            }
        }
        for (Refusal r : refusals) {
            sb.append("! refused ").append(r.vm()).append(": ").append(r.message()).append('\n');
        }
        int same = 0;
        for (String w : warnings) {
            if (alreadyShown.contains(w)) {
                same++;
            } else {
                sb.append("  warning: ").append(w).append('\n');
            }
        }
        for (String i : ignored) {
            if (!alreadyShown.contains(i)) {
                sb.append("  ignored: ").append(i).append('\n');
            }
        }
        if (same > 0) {
            sb.append("  ").append(same).append(same == 1 ? " warning is" : " warnings are").append(" the same as before\n");
        }
        long unchanged = vms.stream().filter(v -> v.action() == VmPlan.Action.NO_CHANGE && !v.waitsForReboot()).count();
        if (unchanged > 0) {
            sb.append("  ").append(unchanged).append(unchanged == 1 ? " VM is" : " VMs are").append(" up to date\n");
        }
        long waiting = vms.stream().filter(v -> v.action() == VmPlan.Action.NO_CHANGE && v.waitsForReboot()).count();
        if (waiting > 0) {
            sb.append("  ").append(waiting).append(waiting == 1 ? " VM needs" : " VMs need").append(" a reboot for pending changes\n");
        }
        return sb.append(summary()).append('\n').toString();
    }

    /** The plan as a JSON tree. */
    public ObjectNode toJsonTree() {
        ObjectNode root = JSON.createObjectNode();
        root.put("ownerTag", ownerTag);
        root.put("empty", isEmpty());
        ObjectNode counts = root.putObject("summary");
        for (VmPlan.Action a : VmPlan.Action.values()) {
            if (a != VmPlan.Action.NO_CHANGE && a != VmPlan.Action.REFUSED) {
                counts.put(a.name().toLowerCase(java.util.Locale.ROOT), count(a));
            }
        }
        counts.put("refused", refusals.size());
        ArrayNode vmsNode = root.putArray("vms");
        for (VmPlan v : vms) {
            ObjectNode n = vmsNode.addObject();
            n.put("name", v.name());
            n.put("action", v.action().name());
            if (v.vmid() == null) {
                n.putNull("vmid");
            } else {
                n.put("vmid", v.vmid());
            }
            n.put("node", v.node());
            v.impact().ifPresent(i -> n.put("impact", i.name()));
            ArrayNode deps = n.putArray("dependsOn");
            v.dependsOn().forEach(deps::add);
            ArrayNode cs = n.putArray("changes");
            for (Change c : v.changes()) {
                ObjectNode cn = cs.addObject();
                cn.put("kind", c.kind().name());
                cn.put("impact", c.impact().name());
                cn.put("description", c.description());
                if (c instanceof Change.GrowDisk g) {
                    cn.put("disk", g.disk());
                    cn.put("from", g.fromSize() == null ? null : g.fromSize().toString());
                    cn.put("to", g.toSize().toString());
                } else if (c instanceof Change.Snapshot snap) {
                    cn.put("snapshot", snap.name());
                } else if (c instanceof Change.Upload u) {
                    cn.put("volume", u.file().volid());
                    cn.put("bytes", u.file().size());
                } else if (c instanceof Change.RunGuestStep r) {
                    ArrayNode cmd = cn.putArray("command");
                    r.step().command().forEach(cmd::add);
                }
                if (!c.keys().isEmpty()) {
                    ArrayNode ks = cn.putArray("keys");
                    for (KeyChange k : c.keys()) {
                        ObjectNode kn = ks.addObject();
                        kn.put("key", k.key());
                        kn.put("before", k.shownBefore());
                        kn.put("after", k.shownAfter());
                        kn.put("impact", k.impact().name());
                    }
                }
            }
            ArrayNode pendingNode = n.putArray("pending");
            for (KeyChange k : v.pending()) {
                ObjectNode kn = pendingNode.addObject();
                kn.put("key", k.key());
                kn.put("before", k.shownBefore());
                kn.put("after", k.shownAfter());
                kn.put("impact", k.impact().name());
            }
            n.put("needsReboot", v.waitsForReboot());
            ArrayNode notes = n.putArray("notes");
            v.notes().forEach(notes::add);
        }
        ArrayNode rs = root.putArray("refusals");
        for (Refusal r : refusals) {
            ObjectNode rn = rs.addObject();
            rn.put("vm", r.vm());
            rn.put("reason", r.reason().name());
            rn.put("message", r.message());
        }
        ArrayNode ws = root.putArray("warnings");
        warnings.forEach(ws::add);
        ArrayNode is = root.putArray("ignored");
        ignored.forEach(is::add);
        return root;
    }

    /** The plan as indented JSON text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonTree());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    @Override
    public String toString() {
        return render();
    }
}
