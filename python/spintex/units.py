"""The unit strings every result carries (``Response.units``, ``State.units``, netCDF attributes).

One table, so that a result's units read the same wherever it was made.  The unit system is that
of CONVENTIONS.md: hbar = e = a = 1 (a the lattice constant), energies in units of the hopping t,
times in hbar/t; spin densities in Pauli units (s = <sigma>); torques T_i = M n_i x s_i; particle
currents (the charge current is -e times them), positive from left to right.
"""
from __future__ import annotations

#: the unit system, for the CLI's headers
SYSTEM = "hbar = e = a = 1 (a: lattice constant); energies in units of the hopping t"

#: the observables' units, appended to every result's ``units``
OBSERVABLE_UNITS = ("hbar = e = a = 1, energies in units of t; spin density in Pauli units (s = <sigma>); "
                    "currents in particles per unit time, positive left to right")
OBSERVABLES = f"T = 0; {OBSERVABLE_UNITS}"  # the drives at zero temperature

#: the longer note of the CLI's reports and netCDF files
NOTE = ("spin densities in Pauli units (s = <sigma>); torques T_i = M n_i x s_i in units of t "
        "(angular momentum hbar per unit time hbar/t); currents in particles per unit time "
        "hbar/t, positive from left to right (the charge current is -e times that)")

#: drive -> what the linear response is per
DRIVES = {
    "left": "per unit rise d(mu) of the left lead's chemical potential",
    "right": "per unit rise d(mu) of the right lead's chemical potential",
    "bias": "per unit bias, leads at mu +- 1/2",
    "field": "per unit bias, leads at mu +- 1/2, every site kept charge neutral by a screening potential",
    "internal_field": ("per unit electric field E inside the sample (charge +1): Fermi-surface RA bubble with the "
                       "bare current vertex, no ladder (spintex.kubo_bubble)"),
}



def of_drive(drive: str, qualifier: str = "") -> str:
    """A linear response's units: what it is per (``DRIVES[drive]``, then ``qualifier``, e.g.
    " (SCBA average)") and the observables' units."""
    return f"{DRIVES[drive]}{qualifier}; {OBSERVABLES}"


#: equilibrium and finite-bias states (spintex.keldysh)
STATE = ("per site (densities) and per unit time (currents); hbar = e = a = 1, energies in "
         "units of t; spin density in Pauli units (s = <sigma>)")

#: pumping by a moving texture (spintex.pumping)
PUMPING = ("per unit rate dX/dt of the texture coordinate (velocity field dn/dX), T = 0; hbar = e = a = 1; "
           "currents and emission in particles per unit time (positive: left to right; into the lead)")

#: the thermal drive (spintex.thermal)
THERMAL = "per unit temperature difference T_L - T_R (leads at T +- dT/2, k_B = 1)"

#: the Mott terms of the thermal drive (spintex.thermal.mott_terms)
MOTT = "per unit dT / ((pi^2/3) T), T -> 0"

#: resistances (spintex.walls)
RESISTANCE = "h/e^2 (one perfectly transmitted spin channel = 1)"
