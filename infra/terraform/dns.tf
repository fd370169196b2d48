# A records for the dashboard and the API in an existing public zone (managed by the global
# infrastructure, only looked up here), both to the host's Elastic IP.

data "aws_route53_zone" "main" {
  name         = var.route53_zone_name
  private_zone = false
}

locals {
  zone_apex = trimsuffix(var.route53_zone_name, ".")
  dns_names = merge(
    { dashboard = var.dashboard_domain_name },
    var.api_domain_name == null ? {} : { api = var.api_domain_name },
  )
}

resource "aws_route53_record" "host" {
  for_each = local.dns_names

  zone_id = data.aws_route53_zone.main.zone_id
  name    = each.value
  type    = "A"
  ttl     = 300
  records = [aws_eip.host.public_ip]

  lifecycle {
    precondition {
      condition     = each.value == local.zone_apex || endswith(each.value, ".${local.zone_apex}")
      error_message = "${each.value} is not inside the zone ${var.route53_zone_name}."
    }
  }
}
