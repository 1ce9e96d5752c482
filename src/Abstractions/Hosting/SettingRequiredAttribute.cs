using System.ComponentModel.DataAnnotations;

namespace Grid.Hosting;

/// <summary>
/// A setting that must not be empty (null or white space), checked by the generated options validators; its failure
/// names the setting by its configuration path (<c>Grid:Clustering:ClusterId must not be empty.</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SettingRequiredAttribute : ValidationAttribute
{
    /// <inheritdoc />
    public override bool RequiresValidationContext => true;

    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is null || value is string text && string.IsNullOrWhiteSpace(text)
            ? new ValidationResult($"{SettingPath.Of(validationContext)} must not be empty.")
            : ValidationResult.Success;
}
