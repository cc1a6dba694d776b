//! Disambiguating which Spring service a Compose service runs when it is linked by name or
//! image: in a monorepo of independent projects several modules share a name (`gateway`), and a
//! Compose file runs the one of its own project.

pub use crate::model::compose::nearest;

#[cfg(test)]
mod tests {
    #[test]
    fn shared_prefix_counts_whole_components() {
        // `jhipster/gateway` and `jhipster-k8s/gateway` share no directory.
        let a: Vec<&str> = "jhipster/gateway".split('/').collect();
        let b: Vec<&str> = "jhipster-k8s/gateway/src/main/docker".split('/').collect();
        assert_eq!(a.iter().zip(&b).take_while(|(x, y)| x == y).count(), 0);
    }
}
