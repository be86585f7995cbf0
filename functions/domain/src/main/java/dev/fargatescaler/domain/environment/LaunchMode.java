package dev.fargatescaler.domain.environment;

import java.util.List;
import java.util.Objects;

/**
 * How an environment's tasks are placed on Fargate.
 *
 * <ul>
 *   <li>{@link Type#FARGATE}: RunTask with {@code launchType: FARGATE} (on-demand).</li>
 *   <li>{@link Type#FARGATE_SPOT}: RunTask with the capacity-provider strategy {@code FARGATE_SPOT} (weight 1).
 *       Spot never falls back to on-demand by itself; {@link #spotFallbackToOnDemand()} makes the scaler
 *       retry once with {@code launchType: FARGATE} when ECS reports no Spot capacity.</li>
 *   <li>{@link Type#CAPACITY_PROVIDER_STRATEGY}: an explicit strategy (for example 1 on-demand as base, then
 *       3 Spot for every on-demand). The cluster must have these capacity providers associated.</li>
 * </ul>
 * {@code launchType} and {@code capacityProviderStrategy} are mutually exclusive in RunTask.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
 */
public record LaunchMode(Type type, List<CapacityProviderShare> strategy, boolean spotFallbackToOnDemand) {

    /** The Fargate capacity providers' names as ECS spells them. */
    public static final String FARGATE = "FARGATE";
    public static final String FARGATE_SPOT = "FARGATE_SPOT";

    public enum Type { FARGATE, FARGATE_SPOT, CAPACITY_PROVIDER_STRATEGY }

    /** One entry of a capacity-provider strategy: {@code base} tasks first, then shares by {@code weight}. */
    public record CapacityProviderShare(String capacityProvider, int base, int weight) {
        public CapacityProviderShare {
            Objects.requireNonNull(capacityProvider, "capacityProvider");
        }
    }

    public LaunchMode {
        Objects.requireNonNull(type, "type");
        strategy = switch (type) {
            case FARGATE -> List.of();
            case FARGATE_SPOT -> List.of(new CapacityProviderShare(FARGATE_SPOT, 0, 1));
            case CAPACITY_PROVIDER_STRATEGY -> List.copyOf(strategy);
        };
    }

    public static LaunchMode fargate() {
        return new LaunchMode(Type.FARGATE, List.of(), false);
    }

    public static LaunchMode fargateSpot(boolean fallbackToOnDemand) {
        return new LaunchMode(Type.FARGATE_SPOT, List.of(), fallbackToOnDemand);
    }

    /** True when RunTask uses {@code launchType: FARGATE}; false when it uses a capacity-provider strategy. */
    public boolean usesLaunchType() {
        return type == Type.FARGATE;
    }

    /** True when some tasks may land on Fargate Spot. */
    public boolean usesSpot() {
        return strategy.stream().anyMatch(s -> FARGATE_SPOT.equals(s.capacityProvider()));
    }

    /** True when a Spot capacity shortage should be retried at once on on-demand Fargate. */
    public boolean fallsBackToOnDemand() {
        return spotFallbackToOnDemand && usesSpot();
    }
}
