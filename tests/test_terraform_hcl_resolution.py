"""References the HCL collector resolves itself, where checkov's rendering leaves them
broken or unrendered: jsonencode(...) documents mixing bare references and
interpolations, module outputs that are splats, variables inside object lists passed to
modules. Real files, parsed by checkov (nothing mocked); then the lean checkov import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.collectors.terraform import TerraformCollector
from auditor.collectors.terraform.checkov_graph import render
from auditor.collectors.terraform.hcl import _interpolations, select_element
from auditor.collectors.terraform.raw import Ref, Unknown
from auditor.model import Resource

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
REPO = Path(__file__).resolve().parent.parent


def collect(path: str) -> dict[str, Resource]:
    old = os.getcwd()
    os.chdir(FIXTURES)
    try:
        snapshot = TerraformCollector(path).collect()
    finally:
        os.chdir(old)
    assert snapshot.problems == []
    return {r.id: r for r in snapshot.resources}


# ---------------------------------------------------------------------------------
# jsonencode(...) with `[aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]`


def test_checkov_leaves_the_mixed_jsonencode_unrendered() -> None:
    """The precondition of the fallback below: checkov's own rendering of these policies
    is the jsonencode call as text (with broken quoting), not a document."""
    vertices, _errors, _base = render(FIXTURES / "hcl/jsonencode-policy")
    [policy] = [v for v in vertices if v.name == "aws_s3_bucket_policy.models"]
    rendered = policy.attributes["policy"]
    rendered = rendered[0] if isinstance(rendered, list) else rendered
    assert isinstance(rendered, str) and "jsonencode(" in rendered


def test_jsonencode_policy_is_read_as_written() -> None:
    """Literal parts are kept, a variable becomes its default, a reference to the bucket
    stays its reference text, so that TLS-02 can see a Deny of s3:* to * on every object
    when aws:SecureTransport is false."""
    models = collect("hcl/jsonencode-policy")["aws_s3_bucket.models"]
    assert "policy" not in models.unknown
    assert models.attributes["policy"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["${aws_s3_bucket.models.arn}", "${aws_s3_bucket.models.arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "ModelReaders",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:role/model-reader"},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": ["${aws_s3_bucket.models.arn}", "${aws_s3_bucket.models.arn}/*"],
            },
        ],
    }


def test_jsonencode_policy_with_a_variable_without_value_is_unknown() -> None:
    """Never guessed: the principal is a variable with no value, so the document is
    unknown, and says why."""
    datasets = collect("hcl/jsonencode-policy")["aws_s3_bucket.datasets"]
    assert "policy" not in datasets.attributes
    assert datasets.unknown["policy"] == "variable auditor_role_arn has no value"


def test_interpolations_are_split_with_nested_braces() -> None:
    assert _interpolations("${a.b}/*") == [("a.b",), "/*"]
    assert _interpolations("arn:${x}:${lookup({k = 1}, y)}") == [
        "arn:",
        ("x",),
        ":",
        ("lookup({k = 1}, y)",),
    ]
    assert _interpolations("plain") == ["plain"]
    assert _interpolations("${never closed") is None


# ---------------------------------------------------------------------------------
# Module outputs that are splats


def test_module_splat_output_indexed_by_count_index() -> None:
    resources = collect("hcl/module-outputs")
    for i in (0, 1):
        gpu = resources[f"aws_instance.gpu[{i}]"]
        assert "subnet_id" not in gpu.unknown
        assert gpu.attributes["subnet_id"] == f"module.network.aws_subnet.private[{i}]"
        assert gpu.attributes["vpc_id"] == "module.network.aws_vpc.this"
        assert gpu.attributes["public_ip"] is False
        assert gpu.attributes["security_groups"] == ["module.network.aws_security_group.hosts"]


def test_module_splat_output_by_literal_index_and_element() -> None:
    resources = collect("hcl/module-outputs")
    cpu = resources["aws_instance.cpu"]
    assert cpu.attributes["subnet_id"] == "module.network.aws_subnet.private[2]"
    assert cpu.attributes["vpc_id"] == "module.network.aws_vpc.this"
    bastion = resources["aws_instance.bastion"]
    assert bastion.attributes["subnet_id"] == "module.network.aws_subnet.public[0]"
    # The subnet maps public IPs on launch: known now that the subnet is.
    assert bastion.attributes["public_ip"] is True
    assert bastion.unknown == {}


def test_select_element_orders_instances_by_count_index() -> None:
    """`[10]` sorts before `[2]` as text: the element is chosen by its index."""
    instances = Ref(tuple(f"aws_subnet.a[{i}]" for i in sorted(range(12), key=str)))
    assert select_element(instances, "2", wraps=False) == Ref(("aws_subnet.a[2]",))
    assert select_element(instances, "10", wraps=False) == Ref(("aws_subnet.a[10]",))
    assert select_element(instances, "13", wraps=True) == Ref(("aws_subnet.a[1]",))
    assert isinstance(select_element(instances, "12", wraps=False), Unknown)
    by_key = Ref(('aws_subnet.a["x"]', 'aws_subnet.a["y"]'))
    assert select_element(by_key, "y", wraps=False) == Ref(('aws_subnet.a["y"]',))
    assert select_element(["a", "b"], "1", wraps=False) == "b"
    assert isinstance(select_element(["a", "b"], "2", wraps=False), Unknown)


# ---------------------------------------------------------------------------------
# Variables inside object lists passed to a module


def test_variables_in_object_lists_passed_to_a_module() -> None:
    group = collect("hcl/module-object-vars")["module.firewall.aws_security_group.this"]
    ingress = group.attributes["ingress"]
    assert [(r["from_port"], r["to_port"], r.get("cidr_blocks")) for r in ingress] == [
        (22, 22, ["10.0.0.0/8"]),  # the variable's default
        (8443, 8443, ["0.0.0.0/0"]),  # terraform.tfvars
        (443, 443, None),  # no value: unknown, below
    ]
    assert group.unknown == {"ingress.2.cidr_blocks": "variable partner_cidr has no value"}


# ---------------------------------------------------------------------------------
# Strings of literal text and references: `"${aws_s3_bucket.x.arn}/"`


def test_bucket_arn_and_slash_selects_the_bucket() -> None:
    """As a plan gives it: the selector is computed from the bucket, whose name is
    written, so LOG-02 sees the objects of acme-models-dev selected."""
    trail = collect("hcl/interpolation")["aws_cloudtrail.models"]
    assert trail.unknown == {}
    assert trail.attributes["data_resources"] == [
        {"type": "AWS::S3::Object", "values": ["arn:aws:s3:::acme-models-dev/"]}
    ]


def test_bucket_arn_of_a_bucket_without_a_name_stays_unknown() -> None:
    resources = collect("hcl/interpolation")
    scratch = resources["aws_cloudtrail.scratch"]
    assert "data_resources" not in scratch.attributes
    assert scratch.unknown == {
        "data_resources": "the name of bucket aws_s3_bucket.scratch is not written"
    }
    unset = resources["aws_cloudtrail.unset"]
    assert "data_resources" not in unset.attributes
    assert unset.unknown == {"data_resources": "variable suffix has no value"}


def test_url_computed_from_a_resource_is_known_after_apply() -> None:
    """`"https://${aws_lb.api.dns_name}/v1"` is computed from the load balancer (a plan's
    Ref to it); literal text with a variable that has a value is the text."""
    model = collect("hcl/interpolation")["aws_sagemaker_model.api"]
    [container] = model.attributes["containers"]
    assert "image" not in container
    assert container["model_data_url"] == "s3://acme-models-dev/model-dev.tar.gz"
    assert model.unknown == {"containers.0.image": "known after apply: computed from aws_lb.api"}


def test_template_parts_resolve_as_a_plan_would() -> None:
    from auditor.collectors.terraform.hcl import HclResolver, HclScope

    resolver = HclResolver()
    resolver.index("").add("aws_lb.api")
    resolver.variables[("", "", "env")] = "dev"
    resolver.variables[("", "", "count")] = 3
    resolver.variables[("", "", "none")] = None
    resolver.variables[("", "", "names")] = ["a", "b"]
    scope = HclScope("", "")

    def resolve(text: str) -> object:
        return resolver._string(scope, text, 0)

    assert resolve("https://${aws_lb.api.dns_name}/v1") == Ref(("aws_lb.api",))
    assert resolve("${var.env}-${var.count}") == "dev-3"
    assert resolve("${var.env}-${aws_lb.api.arn}") == Ref(("aws_lb.api",))
    assert resolve("x-${var.missing}") == Unknown("variable missing has no value")
    for text in (
        "x-${var.none}",
        "x-${var.names}",
        "x-${lower(var.env)}",
        "$${var.env}-${var.env}",
        "%{if true}${var.env}%{endif}-x",
    ):
        assert isinstance(resolve(text), Unknown), text
    assert resolve("x-${aws_lb.gone.arn}") == Unknown(
        "aws_lb.gone is not in the parsed configuration"
    )


# ---------------------------------------------------------------------------------
# Conditionals: `var.kms_key_arn == null ? "AES256" : "aws:kms"`


def test_checkov_renders_the_null_conditional_wrongly() -> None:
    """The precondition of the evaluation below: checkov gives "aws:kms" for a null
    variable compared `== null`, and cuts a chosen ARN at its first ":"."""
    vertices, _errors, _base = render(FIXTURES / "hcl/null-conditional")
    by_name = {v.name: v.attributes for v in vertices}

    def default(name: str) -> dict[str, object]:
        rule = by_name[f"aws_s3_bucket_server_side_encryption_configuration.{name}"]["rule"]
        rule = rule[0] if isinstance(rule, list) else rule
        block = rule["apply_server_side_encryption_by_default"]
        return block[0] if isinstance(block, list) else block

    assert default("eq_null")["sse_algorithm"] == "aws:kms"
    assert default("set")["kms_master_key_id"] == "arn"


def _encryption(resource: Resource) -> tuple[object, object]:
    encryption = resource.attributes["encryption"]
    return encryption.get("sse_algorithm"), encryption.get("kms_master_key_id")


def test_conditionals_on_a_null_variable_give_terraforms_values() -> None:
    resources = collect("hcl/null-conditional")
    assert _encryption(resources["aws_s3_bucket.eq_null"]) == ("AES256", None)
    assert _encryption(resources["aws_s3_bucket.ne_null"]) == ("AES256", "alias/aws/s3")
    assert _encryption(resources["aws_s3_bucket.set"]) == (
        "aws:kms",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    assert _encryption(resources["module.plain.aws_s3_bucket.this"]) == ("AES256", None)
    for address in ("eq_null", "ne_null", "set"):
        assert resources[f"aws_s3_bucket.{address}"].unknown == {}
    tokens = {
        rid: r.attributes["metadata_options"]["http_tokens"]
        for rid, r in resources.items()
        if rid.startswith("aws_instance.")
    }
    assert tokens == {
        "aws_instance.gpu": "required",  # a boolean variable
        "aws_instance.counted[0]": "required",  # count.index == 0
        "aws_instance.counted[1]": "optional",
        'aws_instance.keyed["serve"]': "required",  # each.key == "serve"
        'aws_instance.keyed["train"]': "optional",
        "aws_instance.negated": "required",  # !var.imdsv2 as the condition
    }


def test_conditional_module_arguments_are_evaluated_in_the_caller() -> None:
    """checkov renders `sse_algorithm = var.kms_key_arn == null ? ...` passed to a module
    into the module's resources as "aws:kms", and the chosen ARN cut at ":"."""
    chosen = collect("hcl/null-conditional")["module.chosen.aws_s3_bucket.this"]
    assert _encryption(chosen) == (
        "AES256",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    assert chosen.unknown == {}


def test_negations_are_evaluated() -> None:
    """`associate_public_ip_address = !var.imdsv2`: checkov leaves the text (`!True`),
    which no check can read as a boolean."""
    resources = collect("hcl/null-conditional")
    assert resources["aws_instance.gpu"].attributes["public_ip"] is False
    assert resources["aws_instance.counted[0]"].attributes["public_ip"] is False
    assert resources["aws_instance.counted[1]"].attributes["public_ip"] is True
    for address in ("aws_instance.gpu", "aws_instance.counted[0]", "aws_instance.counted[1]"):
        assert resources[address].unknown == {}
    # As a condition; and `!a == b`: (!true) == false.
    negated = resources["aws_instance.negated"]
    assert negated.attributes["metadata_options"]["http_tokens"] == "required"
    assert negated.attributes["public_ip"] is True
    assert negated.unknown == {}


def test_conditional_locals_are_evaluated_in_the_module() -> None:
    """`sse_algorithm = local.algo`, with `algo = var.kms_key_arn == null ? ...`: checkov
    renders the local as "aws:kms" (and a chosen ARN as "arn"), which made a bucket
    encrypted with AES256 look like one under a customer-managed key."""
    resources = collect("hcl/null-conditional")
    chosen = resources["aws_s3_bucket.local_cond"]
    assert _encryption(chosen) == (
        "AES256",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    assert chosen.attributes["encryption"]["key_managed_by"] is None
    assert chosen.unknown == {}
    # Never guessed: a variable without a value, an attribute known only after apply.
    unset = resources["aws_s3_bucket.local_unknown"]
    assert "sse_algorithm" not in unset.attributes["encryption"]
    assert unset.unknown["encryption.sse_algorithm"] == "variable unset has no value"
    computed = resources["aws_s3_bucket.local_computed"]
    assert computed.unknown["encryption.sse_algorithm"] == (
        "known after apply: computed from aws_kms_key.local_cmk"
    )


def test_conditional_module_outputs_are_evaluated_in_the_module() -> None:
    """`sse_algorithm = module.keys.algo` with the output written as a conditional:
    checkov rendered "aws:kms" for both calls, and the key as a variable without value."""
    resources = collect("hcl/null-conditional")
    default = resources["aws_s3_bucket.output_default"]
    assert _encryption(default) == ("AES256", None)
    assert default.unknown == {}
    chosen = resources["aws_s3_bucket.output_set"]
    assert _encryption(chosen) == (
        "aws:kms",
        "arn:aws:kms:eu-west-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab",
    )
    assert chosen.attributes["encryption"]["key_managed_by"] == "customer"
    assert chosen.unknown == {}


def test_count_index_left_unrendered_inside_a_list_is_read_again() -> None:
    """checkov leaves `cidr_blocks = [var.rules[count.index].cidr]` as the text
    `[{...}, {...}][count.index].cidr`: a CIDR that opens nothing to a check, on a rule
    that opens SSH to the world. Read again with the instance's index or key (a for_each
    over a map variable or a set): Terraform's values."""
    resources = collect("hcl/count-index")

    def rules(address: str) -> list[tuple[object, object]]:
        group = resources[address]
        assert group.unknown == {}, group.unknown
        return sorted((r["from_port"], r["cidr_blocks"]) for r in group.attributes["ingress"])

    expected = [(22, ["0.0.0.0/0"]), (443, ["10.0.0.0/8"])]
    assert rules("aws_security_group.sg") == expected  # count = length(var.rules)
    assert rules("aws_security_group.keyed") == expected  # for_each = var.by_name
    assert rules("aws_security_group.by_cidr") == [(22, ["0.0.0.0/0"]), (22, ["10.0.0.0/8"])]
    descriptions = [
        r["description"] for r in resources["aws_security_group.by_cidr"].attributes["ingress"]
    ]
    assert sorted(descriptions) == ["ssh from 0.0.0.0/0", "ssh from 10.0.0.0/8"]


def test_conditionals_in_dynamic_blocks() -> None:
    """On a variable, and on the iterator's value (which checkov leaves as the text
    `True ? "0.0.0.0/0" : "10.0.0.0/8"`): static block first, then one per element."""
    resources = collect("hcl/null-conditional")
    assert _encryption(resources["aws_s3_bucket.dynamic"]) == ("AES256", None)
    group = resources["aws_security_group.api"]
    assert [(r["from_port"], r["cidr_blocks"]) for r in group.attributes["ingress"]] == [
        (22, ["10.0.0.0/8"]),
        (443, ["0.0.0.0/0"]),
        (8443, ["10.0.0.0/8"]),
    ]
    assert group.unknown == {}


def test_conditionals_that_cannot_be_evaluated_are_unknown() -> None:
    """Never guessed: a variable without a value, a key known only after apply."""
    resources = collect("hcl/null-conditional")
    unset = resources["aws_s3_bucket.unset"]
    assert "sse_algorithm" not in unset.attributes["encryption"]
    assert unset.unknown["encryption.sse_algorithm"] == "variable unset has no value"
    keyed = resources["module.keyed.aws_s3_bucket.this"]
    assert "sse_algorithm" not in keyed.attributes["encryption"]
    assert keyed.unknown["encryption.sse_algorithm"] == (
        "known after apply: computed from aws_kms_key.cmk"
    )
    assert keyed.attributes["encryption"]["kms_master_key_id"] == "aws_kms_key.cmk"


def test_conditional_expressions_are_split_at_the_top_level() -> None:
    from auditor.collectors.terraform.hcl import _has_conditional, _split_conditional

    assert _split_conditional('a == null ? "x" : "y"') == ("a == null", '"x"', '"y"')
    assert _split_conditional("a ? b ? c : d : e ? f : g") == ("a", "b ? c : d", "e ? f : g")
    assert _split_conditional('a == "x?y:z" ? {k: 1} : [for x in y : x]') == (
        'a == "x?y:z"',
        "{k: 1}",
        "[for x in y : x]",
    )
    assert _split_conditional("lookup(m, a ? b : c)") is None
    assert _has_conditional("${lookup(m, a ? b : c)}")
    assert not _has_conditional('what? ${"a?b"}')


# ---------------------------------------------------------------------------------
# The lean import of checkov


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    return out.stdout.strip()


def test_rendering_does_not_import_checkovs_checks() -> None:
    """checkov.terraform's __init__ imports every Terraform check (most of checkov's
    import time): rendering never runs it."""
    code = (
        "import sys; from pathlib import Path\n"
        "from auditor.collectors.terraform.checkov_graph import render\n"
        f"vertices, errors, base = render(Path({str(FIXTURES / 'hcl/basic')!r}))\n"
        "print(len(vertices) > 0, 'checkov.terraform.checks.resource' in sys.modules)\n"
    )
    assert _run(code) == "True False"


def test_lean_checkov_package_still_gives_every_name() -> None:
    """A name the lean package does not take from its listed modules runs the real
    __init__ first: any other user of checkov in the process loses nothing."""
    code = (
        "import sys\n"
        "from auditor.collectors.terraform.checkov_graph import lean_imports\n"
        "lean_imports()\n"
        "from checkov.terraform import TFDefinitionKey\n"
        "before = 'checkov.terraform.checks.resource' in sys.modules\n"
        "import checkov.terraform as package\n"
        "check = package.ACMCertCreateBeforeDestroy\n"  # one of checkov's Terraform checks
        "after = 'checkov.terraform.checks.resource' in sys.modules\n"
        "print(TFDefinitionKey.__name__, before, after, check.__name__)\n"
    )
    assert _run(code) == (
        "TFDefinitionKey False True "
        "checkov.terraform.checks.resource.aws.ACMCertCreateBeforeDestroy"
    )


@pytest.mark.parametrize("path", ["hcl/basic", "hcl/module-outputs"])
def test_lean_import_renders_what_the_full_import_renders(path: str) -> None:
    """Same vertices, same attributes, whether checkov.terraform was imported whole (as
    checkov's own runner does) or lean."""
    code = (
        "import json, sys; from pathlib import Path\n"
        "if sys.argv[1] == 'full':\n"
        "    import checkov.terraform\n"
        "from auditor.collectors.terraform.checkov_graph import render\n"
        f"vertices, _e, _b = render(Path({str(FIXTURES / path)!r}))\n"
        "print(json.dumps(sorted(json.dumps(v.attributes, sort_keys=True, default=str)"
        " for v in vertices)))\n"
    )

    def rendered(mode: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", code, mode],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        return out.stdout

    assert rendered("full") == rendered("lean")


def test_rendering_leaves_checkov_and_os_as_they_were() -> None:
    """The cheap Edge hash, the realpath cache and the vertex change counts are only on
    while a graph is built: afterwards checkov's classes and os.path are untouched."""
    import os.path

    from checkov.common.graph.graph_builder.graph_components.edge import Edge
    from checkov.terraform.graph_builder.graph_components.blocks import TerraformBlock

    def patched_parts() -> tuple[object, ...]:
        return (
            Edge.__dict__["__hash__"],
            Edge.__dict__["__eq__"],
            os.path.realpath,
            {name: TerraformBlock.__dict__.get(name) for name in ("update_attribute",)},
            TerraformBlock.update_inner_attribute,
        )

    before = patched_parts()
    vertices, _errors, _base = render(FIXTURES / "hcl/module-outputs")
    assert vertices
    assert patched_parts() == before


def test_an_expression_the_evaluator_did_not_foresee_is_unknown_not_a_crash() -> None:
    from auditor.collectors.terraform.hcl import _unforeseen
    from auditor.collectors.terraform.raw import Unknown

    def evaluate(text: str) -> str:
        raise IndexError(f"odd input: {text}")

    value = _unforeseen(evaluate, "a ? b")
    assert isinstance(value, Unknown)
    assert value.reason == "expression could not be evaluated: IndexError: odd input: a ? b"
    assert _unforeseen(str.upper, "ok") == "OK"
