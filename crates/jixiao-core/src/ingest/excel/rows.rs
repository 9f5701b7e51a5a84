//! What the wide and long readers share: a sheet being parsed, its amounts,
//! and where projects go.

use rust_decimal::Decimal;

use super::cells;
use super::grid::{GridRow, address};
use super::header::{Header, Role};
use crate::model::{Amounts, Document, MoneyUnit, Project, Unit, WarningKind};

/// One sheet being parsed into a document.
pub(crate) struct Sheet<'s> {
    pub name: &'s str,
    pub header: &'s Header,
    pub money: MoneyUnit,
    pub doc: Document,
    /// The grid is the sheet turned a quarter: a grid row is a sheet column.
    pub turned: bool,
}

const AMOUNT_ROLES: [Role; 4] = [Role::Total, Role::Fiscal, Role::Special, Role::Other];

impl Sheet<'_> {
    pub fn addr(&self, row: &GridRow<'_>, col: u32) -> String {
        self.addr_at(row.idx, col)
    }

    /// The sheet address of the grid's cell at 0-based `(row, col)`.
    pub fn addr_at(&self, row: u32, col: u32) -> String {
        if self.turned {
            address(self.name, col, row)
        } else {
            address(self.name, row, col)
        }
    }

    /// The cell of `role` in `row`, if the table has that column and the cell is not empty.
    pub fn cell<'r, 'a>(
        &self,
        row: &'r GridRow<'a>,
        role: Role,
    ) -> Option<&'r super::grid::GridCell<'a>> {
        self.header.cols.get(role).and_then(|c| row.get(c))
    }

    /// The cell's text as a name (lines joined), or empty.
    pub fn text(&self, row: &GridRow<'_>, role: Role) -> String {
        self.cell(row, role)
            .map(|c| cells::joined_text(&c.val))
            .unwrap_or_default()
    }

    /// Whether the row has an amount cell of its own (not a merged copy).
    pub fn has_own_amounts(&self, row: &GridRow<'_>) -> bool {
        AMOUNT_ROLES
            .iter()
            .any(|r| self.cell(row, *r).is_some_and(|c| !c.filled))
    }

    /// The row's four amounts, in 万元; `None` when the row has no amount
    /// cell at all. A cell that is not a number is a reject naming its cell;
    /// sources that do not add up to 总计 are a warning.
    pub fn amounts(&mut self, row: &GridRow<'_>, what: &str) -> Option<Amounts> {
        let mut vals: [Option<Decimal>; 4] = [None; 4];
        let mut present = false;
        let mut bad: Vec<String> = Vec::new();
        for (i, role) in AMOUNT_ROLES.iter().enumerate() {
            let Some(col) = self.header.cols.get(*role) else {
                continue;
            };
            let Some(cell) = row.get(col) else { continue };
            present = true;
            match cells::amount(Some(&cell.val)) {
                Ok(v) => {
                    if let Some(slot) = vals.get_mut(i) {
                        *slot = v.map(|d| self.money.to_wanyuan(d));
                    }
                }
                Err(text) => {
                    let addr = self.addr(row, col);
                    self.doc.reject(
                        row.line(),
                        text,
                        format!("{addr}: {} of 「{what}」 is not a number", role.label()),
                    );
                    bad.push(format!("{} ({addr})", role.label()));
                }
            }
        }
        if !present {
            return None;
        }
        let sources: Decimal = vals[1..].iter().flatten().copied().sum();
        let has_source_cols = AMOUNT_ROLES[1..]
            .iter()
            .any(|r| self.header.cols.get(*r).is_some());
        let total = vals[0].unwrap_or(sources);
        let note = (!bad.is_empty()).then(|| {
            format!(
                "not a number: {}{}",
                bad.join(", "),
                if vals[0].is_none() {
                    "; 总计 is the sum of the sources read"
                } else {
                    ""
                }
            )
        });
        if vals[0].is_some() && has_source_cols && bad.is_empty() && sources != total {
            let addr = self
                .header
                .cols
                .get(Role::Total)
                .map_or_else(String::new, |c| self.addr(row, c));
            self.doc.warn_as(
                WarningKind::Sum,
                row.line(),
                format!(
                    "{what}: sources sum to {sources} but 总计 is {total} (difference {}) at {addr}",
                    total - sources
                ),
            );
        }
        Some(Amounts {
            total: Some(total),
            fiscal: vals[1],
            special: vals[2],
            other: vals[3],
            note,
        })
    }

    /// Adds a project to the current unit (the last one), or to the implicit
    /// unit of a table that lists projects without unit rows.
    pub fn push_project(&mut self, p: Project) {
        if self.doc.units.is_empty() {
            self.doc.units.push(Unit {
                name: self.doc.department.clone().unwrap_or_default(),
                amounts: None,
                projects: Vec::new(),
                line: p.line,
            });
        }
        if let Some(u) = self.doc.units.last_mut() {
            u.projects.push(p);
        }
    }

    pub fn set_grand_total(&mut self, row: &GridRow<'_>, amounts: Option<Amounts>, text: &str) {
        let line = row.line();
        match amounts {
            Some(a) if self.doc.grand_total.is_none() => {
                self.doc.grand_total = Some(a);
                self.doc.grand_total_line = Some(line);
            }
            Some(_) => self.doc.reject(
                line,
                text,
                format!("{}: a second 合计 row", self.addr_at(row.idx, 0)),
            ),
            None => self.doc.warn(
                line,
                format!("{}: the 合计 row has no amounts", self.addr_at(row.idx, 0)),
            ),
        }
    }
}
