package ai.thinkheads.phoenix.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanRenderingTest {

    private static Plan plan() {
        VmPlan create = new VmPlan("web01", VmPlan.Action.CREATE, null, "pve1", List.of(
                new Change.Create("create with empty disks as a new VMID on pve1",
                        java.util.Map.of("cipassword", "$6$salt$secret", "memory", "2048")),
                Change.Power.start("start the new VM")), List.of(), null, List.of("VMID allocated on apply"), null);
        VmPlan update = new VmPlan("db01", VmPlan.Action.UPDATE, 101, "pve2", List.of(
                new Change.UpdateConfig("set 1, delete 1 keys", List.of(
                        new KeyChange("memory", "2048", "4096", Impact.NEEDS_REBOOT),
                        new KeyChange("onboot", "1", null, Impact.LIVE))),
                new Change.GrowDisk("scsi0", DiskSize.ofGiB(32), DiskSize.ofGiB(64))), List.of("web01"), "abc", List.of(), null);
        VmPlan same = new VmPlan("cache", VmPlan.Action.NO_CHANGE, 102, "pve1", List.of(), List.of(), "def", List.of(), null);
        VmPlan gone = new VmPlan("old", VmPlan.Action.DELETE, 130, "pve1", List.of(
                new Change.Delete("destroy VM 130 and its disks (no longer declared)")),
                List.of(), null, List.of(), null);
        return new Plan(List.of(create, update, same, gone),
                List.of(new Refusal("big", Refusal.Reason.NO_CAPACITY, "no node has room")), List.of("a warning"), "phoenix-managed");
    }

    @Test
    void textShowsSignsKeysImpactsAndSummary() {
        String text = plan().render();
        assertTrue(text.contains("+ create web01 (new VMID on pve1)"), text);
        assertTrue(text.contains("~ update db01 (vmid 101 on pve2)  [needs reboot]"), text);
        assertTrue(text.contains("~ memory: 2048 → 4096  [needs reboot]"), text);
        assertTrue(text.contains("- onboot = 1  [live]"), text);
        assertTrue(text.contains("grow disk: scsi0 to 64G (32G → 64G)  [live]"), text);
        assertTrue(text.contains("- delete old (vmid 130 on pve1)  [destructive]"), text);
        assertTrue(text.contains("! refused big: no node has room"), text);
        assertTrue(text.contains("1 VM is up to date"), text);
        assertTrue(text.endsWith("Plan: 1 to create, 1 to update, 0 to replace, 1 to delete, 1 refused.\n"), text);
        assertFalse(text.contains("secret"), text);
    }

    @Test
    void jsonCarriesTheSameAndRedactsSecrets() throws Exception {
        String json = plan().toJson();
        assertFalse(json.contains("secret"), json);
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals(1, root.get("summary").get("create").asInt());
        assertEquals(1, root.get("summary").get("refused").asInt());
        JsonNode db = root.get("vms").get(1);
        assertEquals("db01", db.get("name").asText());
        assertEquals("NEEDS_REBOOT", db.get("changes").get(0).get("keys").get(0).get("impact").asText());
        assertEquals("64G", db.get("changes").get(1).get("to").asText());
        assertTrue(root.get("vms").get(0).get("vmid").isNull());
        assertEquals("NO_CAPACITY", root.get("refusals").get(0).get("reason").asText());
    }

    @Test
    void emptyMeansNoChangesAndNoRefusals() {
        VmPlan same = new VmPlan("cache", VmPlan.Action.NO_CHANGE, 102, "pve1", List.of(), List.of(), "def", List.of(), null);
        assertTrue(new Plan(List.of(same), List.of(), List.of(), "phoenix-managed").isEmpty());
        assertFalse(plan().isEmpty());
    }
}
