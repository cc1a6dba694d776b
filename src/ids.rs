//! Typed ids: an id names one kind of object, and only the vector of that kind takes it, so a
//! monitor's index can never address a workload. `IdVec<I, T>` is a `Vec<T>` indexed by `I`
//! (the `IndexVec` pattern); it does not deref to a slice, so a plain `usize` does not index it.

use std::marker::PhantomData;

/// An index newtype (declare one with [`typed_id!`](crate::typed_id)).
pub trait Idx: Copy + Eq + Ord + std::hash::Hash + std::fmt::Debug {
    fn new(index: usize) -> Self;
    fn index(self) -> usize;
}

/// Declares a `u32` index newtype implementing [`Idx`].
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name(u32);
        impl $crate::ids::Idx for $name {
            fn new(index: usize) -> Self {
                $name(u32::try_from(index).expect("fewer than 2^32 objects of one kind"))
            }
            fn index(self) -> usize {
                self.0 as usize
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

/// A vector indexed by the id `I`.
#[derive(Clone, Debug)]
pub struct IdVec<I, T> {
    raw: Vec<T>,
    id: PhantomData<fn(I)>,
}

impl<I: Idx, T> IdVec<I, T> {
    pub fn new() -> Self {
        IdVec::from(Vec::new())
    }
    /// `elem` for every id of `universe` (a per-service table alongside `ws.services`).
    pub fn from_elem<U>(elem: T, universe: &IdVec<I, U>) -> Self
    where
        T: Clone,
    {
        IdVec::from(vec![elem; universe.len()])
    }
    pub fn push(&mut self, value: T) -> I {
        self.raw.push(value);
        I::new(self.raw.len() - 1)
    }
    pub fn len(&self) -> usize {
        self.raw.len()
    }
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
    pub fn get(&self, id: I) -> Option<&T> {
        self.raw.get(id.index())
    }
    pub fn get_mut(&mut self, id: I) -> Option<&mut T> {
        self.raw.get_mut(id.index())
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.raw.iter()
    }
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.raw.iter_mut()
    }
    /// The id of the first element that satisfies `pred`.
    pub fn position(&self, pred: impl FnMut(&T) -> bool) -> Option<I> {
        self.raw.iter().position(pred).map(I::new)
    }
    /// Every element with its id.
    pub fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.raw.iter().enumerate().map(|(i, t)| (I::new(i), t))
    }
    /// Every element with its id, on every core (rayon), in id order when collected.
    pub fn par_iter_enumerated(&self) -> impl rayon::iter::IndexedParallelIterator<Item = (I, &T)>
    where
        I: Send,
        T: Sync,
    {
        use rayon::prelude::*;
        self.raw.par_iter().enumerate().map(|(i, t)| (I::new(i), t))
    }
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator {
        (0..self.raw.len()).map(I::new)
    }
}

impl<I: Idx, T> Default for IdVec<I, T> {
    fn default() -> Self {
        IdVec::new()
    }
}

impl<I, T> From<Vec<T>> for IdVec<I, T> {
    fn from(raw: Vec<T>) -> Self {
        IdVec { raw, id: PhantomData }
    }
}

impl<I, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        IdVec::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<I, T> Extend<T> for IdVec<I, T> {
    fn extend<It: IntoIterator<Item = T>>(&mut self, iter: It) {
        self.raw.extend(iter);
    }
}

impl<I: Idx, T> std::ops::Index<I> for IdVec<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.raw[id.index()]
    }
}

impl<I: Idx, T> std::ops::IndexMut<I> for IdVec<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.raw[id.index()]
    }
}

impl<'a, I, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.raw.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::typed_id!(
        /// A test id.
        ThingId
    );

    #[test]
    fn ids_address_what_they_were_pushed_as() {
        let mut v: IdVec<ThingId, &str> = IdVec::new();
        let a = v.push("a");
        let b = v.push("b");
        assert_eq!((v[a], v[b]), ("a", "b"));
        assert_eq!(
            v.iter_enumerated().map(|(i, t)| (i.index(), *t)).collect::<Vec<_>>(),
            [(0, "a"), (1, "b")]
        );
        assert_eq!(v.get(ThingId::new(2)), None);
        assert_eq!(v.position(|t| *t == "b"), Some(b));
        let mut marks: IdVec<ThingId, u8> = IdVec::from_elem(0, &v);
        marks[b] += 1;
        assert_eq!(marks.iter().copied().collect::<Vec<_>>(), [0, 1]);
    }
}
