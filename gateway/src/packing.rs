//! Gateway API size limits, and packing rules into as few routes as they allow.
//!
//! An HTTPRoute holds at most 16 rules, a rule at most 64 matches, and all rules of a
//! route together fewer than 128 matches. Operations beyond that are split over more
//! rules and more routes, never dropped. Rules that belong together (a `match` header
//! rule and the weighted rule it takes precedence over) form one [`RuleGroup`] that is
//! never split across routes, so their order within the route decides ties.

use crate::resource::RouteRule;

/// Most matches in one rule (`maxItems` of `rules[].matches`).
pub(crate) const MAX_MATCHES_PER_RULE: usize = 64;
/// Most rules in one route (`maxItems` of `rules`).
pub(crate) const MAX_RULES_PER_ROUTE: usize = 16;
/// Most matches over all rules of one route (a CEL rule: fewer than 128).
pub(crate) const MAX_MATCHES_PER_ROUTE: usize = 127;

/// Rules that must stay together, in order, in one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleGroup {
    pub rules: Vec<RouteRule>,
}

impl RuleGroup {
    fn matches(&self) -> usize {
        self.rules.iter().map(|rule| rule.matches.len()).sum()
    }
}

/// How many operations one rule covers: 63, not 64, so that two rules fill a route
/// (126 of 127 matches) and a `match` header rule with its weighted twin fits in one.
pub(crate) const OPERATIONS_PER_RULE: usize = MAX_MATCHES_PER_ROUTE / 2;

const _: () = assert!(OPERATIONS_PER_RULE <= MAX_MATCHES_PER_RULE);

/// Packs groups, in order, into routes that respect every limit.
pub(crate) fn pack(groups: Vec<RuleGroup>) -> Vec<Vec<RouteRule>> {
    let mut routes = Vec::new();
    let mut route: Vec<RouteRule> = Vec::new();
    let mut route_matches = 0;
    for group in groups {
        let matches = group.matches();
        let full = route.len() + group.rules.len() > MAX_RULES_PER_ROUTE
            || route_matches + matches > MAX_MATCHES_PER_ROUTE;
        if full && !route.is_empty() {
            routes.push(std::mem::take(&mut route));
            route_matches = 0;
        }
        route_matches += matches;
        route.extend(group.rules);
    }
    if !route.is_empty() {
        routes.push(route);
    }
    routes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::operation_match;

    fn group(rules: usize, matches_per_rule: usize) -> RuleGroup {
        let matches: Vec<_> = (0..matches_per_rule)
            .filter_map(|index| operation_match("GET", &format!("/v1/items{index}")))
            .collect();
        RuleGroup {
            rules: (0..rules)
                .map(|_| RouteRule {
                    matches: matches.clone(),
                    filters: Vec::new(),
                    backend_refs: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn packing_respects_every_limit_and_keeps_every_rule_in_order() {
        let shapes = [(1, 63), (2, 63), (1, 1), (2, 5), (1, 63), (1, 63), (1, 3)];
        let groups: Vec<RuleGroup> = (0..40)
            .map(|index| {
                let (rules, matches) = shapes[index % shapes.len()];
                group(rules, matches)
            })
            .collect();
        let expected: Vec<RouteRule> = groups.iter().flat_map(|g| g.rules.clone()).collect();
        let routes = pack(groups);
        for route in &routes {
            assert!(!route.is_empty());
            assert!(route.len() <= MAX_RULES_PER_ROUTE);
            let matches: usize = route.iter().map(|rule| rule.matches.len()).sum();
            assert!(
                matches <= MAX_MATCHES_PER_ROUTE,
                "{matches} matches in a route"
            );
        }
        let packed: Vec<RouteRule> = routes.into_iter().flatten().collect();
        assert_eq!(packed, expected);
    }

    #[test]
    fn many_small_groups_fill_sixteen_rules_per_route() {
        let routes = pack((0..33).map(|_| group(1, 1)).collect());
        let sizes: Vec<usize> = routes.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![16, 16, 1]);
    }
}
