using System.ComponentModel.DataAnnotations;
using EdgeNode.Hosting;

namespace EdgeNode.Tests.Hosting;

public sealed class SectionValidatorTests
{
    [Fact]
    public void Validate_ValidTree_Succeeds()
    {
        var result = new SectionValidator<Outer>("EdgeNode:Test").Validate(null, new Outer());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_BadTopLevelValue_NamesTheKeyAndItsEnvironmentVariable()
    {
        var result = new SectionValidator<Outer>("EdgeNode:Test").Validate(null, new Outer { Port = 0 });

        Assert.Equal("EdgeNode:Test:Port (EdgeNode__Test__Port): The field Port must be between 1 and 10.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_BadNestedValue_NamesTheNestedKey()
    {
        var result = new SectionValidator<Outer>("EdgeNode:Test").Validate(null, new Outer { Inner = { Name = "" } });

        Assert.StartsWith("EdgeNode:Test:Inner:Name (EdgeNode__Test__Inner__Name): ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadListItem_NamesItsIndex()
    {
        var result = new SectionValidator<Outer>("EdgeNode:Test").Validate(null, new Outer { Items = [new Inner(), new Inner { Name = "" }] });

        Assert.StartsWith("EdgeNode:Test:Items:1:Name (EdgeNode__Test__Items__1__Name): ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValidatableObject_ReportsItsMemberUnderTheSection()
    {
        var result = new SectionValidator<Outer>("EdgeNode:Test").Validate(null, new Outer { Port = 7, Inner = { Name = "seven" } });

        Assert.Equal("EdgeNode:Test:Port (EdgeNode__Test__Port): 7 and 'seven' do not go together.", Assert.Single(result.Failures!));
    }

    public sealed class Outer : IValidatableObject
    {
        [Range(1, 10)]
        public int Port { get; set; } = 1;

        public Inner Inner { get; set; } = new();

        public List<Inner> Items { get; set; } = [];

        public string Text { get; set; } = "not an options object";

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Port == 7 && Inner.Name == "seven")
            {
                yield return new ValidationResult("7 and 'seven' do not go together.", [nameof(Port)]);
            }
        }
    }

    public sealed class Inner
    {
        [Required]
        public string Name { get; set; } = "inner";
    }
}
