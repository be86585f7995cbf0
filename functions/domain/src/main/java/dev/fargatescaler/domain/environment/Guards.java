package dev.fargatescaler.domain.environment;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Optional restrictions on which jobs an environment starts tasks for: a second line of defence for
 * environments such as production, on top of GitLab's own runner assignment (project or group runners,
 * protected runners). Empty lists and a null pattern mean "no restriction".
 *
 * @param projectIds   project ids allowed; a job is allowed when its project id OR its path is allowed
 * @param projectPaths project paths allowed, exactly ({@code group/app}) or a whole namespace with a trailing
 *                     {@code /*} ({@code platform/*} allows {@code platform/app} and {@code platform/sub/app})
 * @param refPattern   the job's git ref (branch or tag name) must match this regular expression entirely
 */
public record Guards(Set<Long> projectIds, Set<String> projectPaths, Pattern refPattern) {

    public static final Guards NONE = new Guards(Set.of(), Set.of(), null);

    public Guards {
        projectIds = Set.copyOf(projectIds);
        projectPaths = Set.copyOf(projectPaths);
    }

    /**
     * Why this environment refuses the job, or empty when it accepts it.
     *
     * @param projectPath may be null when unknown; then only {@code projectIds} can allow the project
     * @param ref         may be null when unknown; then a configured {@code refPattern} refuses
     */
    public Optional<String> refusal(long projectId, String projectPath, String ref) {
        if (!projectIds.isEmpty() || !projectPaths.isEmpty()) {
            boolean allowed = projectIds.contains(projectId) || (projectPath != null && pathAllowed(projectPath));
            if (!allowed) {
                return Optional.of("project " + projectId + (projectPath == null ? "" : " (" + projectPath + ")")
                        + " is not among the allowed projects");
            }
        }
        if (refPattern != null && (ref == null || !refPattern.matcher(ref).matches())) {
            return Optional.of("ref " + (ref == null ? "(unknown)" : "\"" + ref + "\"")
                    + " does not match the allowed ref pattern " + refPattern.pattern());
        }
        return Optional.empty();
    }

    private boolean pathAllowed(String path) {
        for (String allowed : projectPaths) {
            if (allowed.endsWith("/*")) {
                String namespace = allowed.substring(0, allowed.length() - 1);
                if (path.startsWith(namespace) && path.length() > namespace.length()) {
                    return true;
                }
            } else if (allowed.equals(path)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return projectIds.isEmpty() && projectPaths.isEmpty() && refPattern == null;
    }
}
