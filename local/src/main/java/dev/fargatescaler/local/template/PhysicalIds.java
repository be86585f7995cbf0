package dev.fargatescaler.local.template;

/**
 * What a template's resources are called where the functions run: the answers to {@code Ref} and
 * {@code Fn::GetAtt}. Local mode answers with what it provisioned on the emulator.
 */
public interface PhysicalIds {

    /** {@code Ref} of a resource, or null when unknown. */
    String ref(SamTemplate.Resource resource);

    /** {@code Fn::GetAtt} of a resource, or null when unknown. */
    String getAtt(SamTemplate.Resource resource, String attribute);
}
