package ai.thinkheads.phoenix.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The value of {@code tags}: {@code a;b} (format {@code pve-tag-list}). Reading splits like
 * pve-common {@code split_list} (on {@code ;}, {@code ,} and white space); printing joins with
 * {@code ;}. Each tag must match {@code $PVE_TAG_RE} ({@code pve_verify_tag}).
 *
 * @param tags the tags, in order, without duplicates
 */
public record TagList(List<String> tags) {

    private static final Pattern TAG = Pattern.compile("^[a-z0-9_][a-z0-9_\\-+.]*$", Pattern.CASE_INSENSITIVE);

    public TagList {
        tags = List.copyOf(new LinkedHashSet<>(tags));
        for (String t : tags) {
            if (!isValidTag(t)) {
                throw new PropertyStringException("tags: invalid characters in tag '" + t + "'");
            }
        }
    }

    /** pve-common {@code pve_verify_tag}. */
    public static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    public static TagList parse(String text) {
        return new TagList(splitList(text));
    }

    /**
     * The tags as Proxmox stores them with the default datacenter {@code tag-style}: lower-cased,
     * sorted, without duplicates (pve-guest-common {@code PVE::GuestHelpers::get_unique_tags}, which
     * create and update apply to {@code tags}).
     */
    public TagList normalized() {
        return new TagList(tags.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).distinct().sorted().toList());
    }

    public String format() {
        return String.join(";", tags);
    }

    @Override
    public String toString() {
        return format();
    }

    /**
     * pve-common {@code PVE::Tools::split_list} (also {@code PVE::ParseUtils::split_list}): on NUL
     * when the text has one, else {@code ,} and {@code ;} become spaces, leading white space goes and
     * the rest is split on white space; as Perl's {@code split}, trailing empty items are dropped.
     * White space is Perl's {@code \s} on bytes (space, tab, line breaks, form feed), not Unicode's.
     * {@code null} is the empty list. Proxmox reads every list-valued option this way (tags,
     * nameservers, {@code hotplug}, a storage's {@code content} and {@code nodes}); this is the one
     * copy in Phoenix's main code.
     */
    public static List<String> splitList(String text) {
        if (text == null) {
            return List.of();
        }
        if (text.indexOf('\0') >= 0) {
            return List.of(text.split("\0"));
        }
        String t = text.replaceAll("[,;]", " ").replaceAll("^\\s+", "");
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
