package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.spec.CreateConfig;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.ProxmoxConfigMapping;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The config a spec wants, as the planner compares it: {@link ProxmoxConfigMapping#forCreate}'s
 * keys with the ownership tag added to {@code tags}, without {@code template} (a template is made by
 * a {@link ChangeKind#CONVERT_TO_TEMPLATE} step, never by a key), plus the declared size of each
 * disk slot.
 *
 * @param spec the spec
 * @param create what forCreate produced (pool, snippets)
 * @param config key → desired value, sorted
 * @param diskSizes disk key → declared size (null: keep the image's or the template's size), in declaration order
 */
record DesiredConfig(VmSpec spec, CreateConfig create, Map<String, String> config, Map<String, DiskSize> diskSizes) {

    static DesiredConfig of(VmSpec spec, String ownerTag) {
        CreateConfig create = ProxmoxConfigMapping.forCreate(spec);
        TreeMap<String, String> config = new TreeMap<>(create.config());
        config.remove("template");
        List<String> tags = new ArrayList<>(spec.tags());
        tags.add(ownerTag);
        config.put("tags", new TagList(tags).normalized().format());
        Map<String, DiskSize> sizes = new LinkedHashMap<>();
        for (Disk d : spec.disks()) {
            sizes.put(d.key(), d.size());
        }
        return new DesiredConfig(spec, create, Collections.unmodifiableMap(config), Collections.unmodifiableMap(sizes));
    }

    boolean isClone() {
        return spec.source() instanceof Source.CloneTemplate;
    }

    /** The config to send with {@code create}: the desired keys (template is a separate step). */
    Map<String, String> createConfig() {
        return config;
    }
}
