//! Tests of the engine's parts through its public API: the prediction
//! grid, trainer snapshots, steps cut into parts and evaluations in slices.
//! (They build experiments from links, and the link format sits above the
//! core engine, so they live here rather than inside the core modules.)

mod grid {
    use gradlab::engine::config::Config;
    use gradlab::engine::grid::*;
    use gradlab::engine::link as codec;
    use gradlab::engine::trainer::Trainer;

    #[test]
    fn corners_put_y_up() {
        assert_eq!(coords(11, 0, 0), (-6.0, 6.0));
        assert_eq!(coords(11, 0, 10), (6.0, 6.0));
        assert_eq!(coords(11, 10, 0), (-6.0, -6.0));
        assert_eq!(coords(11, 5, 5), (0.0, 0.0));
    }

    #[test]
    fn neuron_maps_match_the_model_and_its_output() {
        let (cfg, _) = codec::decode("net=3:tanh,2:relu&feat=x1,x2,x1x2");
        let mut t = Trainer::from_config(&cfg).expect("valid");
        for _ in 0..50 {
            t.step();
        }
        let grid = Grid::new(&t, 9).expect("planar");
        assert_eq!((grid.len(), grid.inputs.len()), (81, 81 * 3));
        // Raw feature x1·x2 at the top-left corner (−6, 6) is −36.
        assert_eq!(grid.features[2], -36.0);
        let mut maps = NeuronMaps::default();
        t.neuron_maps(&grid, &mut maps);
        let widths: Vec<usize> = maps.blocks.iter().map(|b| b.width).collect();
        assert_eq!(widths, vec![3, 2, 1]);
        assert_eq!(maps.blocks[2].label, "output");
        let mut out = vec![0.0; 81];
        t.predict(&grid.inputs, &mut out);
        assert_eq!(maps.blocks[2].values, out, "the output block is the model output");
        assert!(maps.blocks[0].values.iter().all(|v| v.abs() <= 1.0), "tanh block");
        assert!(maps.blocks[1].values.iter().all(|&v| v >= 0.0), "relu block");
        // Buffers are reused: a second call gives the same maps.
        let before = maps.clone();
        t.neuron_maps(&grid, &mut maps);
        assert_eq!(before, maps);
    }

    #[test]
    fn digits_have_no_grid() {
        let cfg = Config {
            data: gradlab::engine::config::DataConfig {
                kind: gradlab::engine::config::DataKind::Digits,
                ..Default::default()
            },
            loss: gradlab::engine::config::LossKind::SoftmaxCe,
            ..Config::default()
        };
        let t = Trainer::from_config(&cfg).expect("valid");
        assert!(Grid::new(&t, 10).is_none());
    }
}

mod snapshot {
    use gradlab::engine::link as codec;
    use gradlab::engine::snapshot::*;
    use gradlab::engine::trainer::Trainer;

    fn trainer(link: &str) -> Trainer {
        Trainer::from_config(&codec::decode(link).0).unwrap()
    }

    /// A restored copy continues exactly as the original: same parameters,
    /// same batches, same dropout masks, same losses.
    #[test]
    fn a_restored_trainer_trains_on_bit_for_bit() {
        for link in [
            "data=spiral&net=8:relu:bn:d0.2,6:tanh&opt=adam&bs=7&sched=cos&se=40&clip=norm&cv=1",
            "data=digits&loss=softmax&net=16:relu&opt=momentum&bs=13&l2=0.001",
        ] {
            let mut original = trainer(link);
            for _ in 0..9 {
                original.step();
            }
            let mut copy = decode(&encode(&original), no_hooks).unwrap();
            assert_eq!(copy.fingerprint(), original.fingerprint(), "{link}");
            for _ in 0..11 {
                original.step();
                copy.step();
            }
            assert_eq!(copy.fingerprint(), original.fingerprint(), "{link}");
            assert_eq!(copy.step_count(), original.step_count());
            assert_eq!(copy.history.batch_loss, original.history.batch_loss, "{link}");
            let (a, b) = (original.evaluate(), copy.evaluate());
            assert_eq!(a.train_loss.to_bits(), b.train_loss.to_bits(), "{link}");
            assert_eq!(a.test_loss.to_bits(), b.test_loss.to_bits(), "{link}");
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&trainer("data=xor"));
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], no_hooks).is_err(), "cut at {cut}");
        }
    }
}

mod step {
    use gradlab::engine::link as codec;
    use gradlab::engine::trainer::{StepOutcome, Trainer};

    /// A step cut after every layer, or after every third, gives the bits of
    /// whole steps: parameters, losses, dropout masks, BN statistics.
    #[test]
    fn steps_cut_into_parts_equal_whole_steps() {
        for link in [
            "data=spiral&net=8:relu:bn:d0.2,6:tanh&opt=adam&bs=7&clip=norm&cv=1&l2=0.01",
            "data=digits&loss=softmax&net=16:relu:d0.3,8:tanh:bn&bs=13&ord=bn-act-do",
        ] {
            let cfg = codec::decode(link).0;
            for every in [1usize, 3] {
                let mut cut = Trainer::from_config(&cfg).unwrap();
                let mut whole_run = Trainer::from_config(&cfg).unwrap();
                let mut partial = None;
                let (mut parts, mut steps) = (0usize, 0);
                while steps < 20 {
                    let mut calls = 0usize;
                    let done = cut.step_part(&mut partial, &mut || {
                        calls += 1;
                        calls < every
                    });
                    parts += 1;
                    if let Some(outcome) = done {
                        assert_eq!(outcome, StepOutcome::Ok);
                        assert_eq!(whole_run.step(), StepOutcome::Ok);
                        steps += 1;
                        assert_eq!(cut.fingerprint(), whole_run.fingerprint(), "{link}, step {steps}");
                    }
                }
                assert!(parts > 20, "{link}: steps were not cut");
                assert_eq!(cut.history.batch_loss, whole_run.history.batch_loss);
                assert_eq!(cut.evaluate(), whole_run.evaluate());
            }
        }
    }

    /// A diverging step ends part-way with the same report as a whole one.
    #[test]
    fn a_step_cut_into_parts_diverges_like_a_whole_one() {
        let cfg = codec::decode("data=plane&out=linear&lr=10").0;
        let (mut whole, mut cut) = (Trainer::from_config(&cfg).unwrap(), Trainer::from_config(&cfg).unwrap());
        let expected = (0..200).map(|_| whole.step()).find(|o| *o != StepOutcome::Ok).expect("lr 10 diverges");
        let mut partial = None;
        let got = loop {
            if let Some(o) = cut.step_part(&mut partial, &mut || false) {
                if o != StepOutcome::Ok {
                    break o;
                }
            }
        };
        assert_eq!(got, expected);
    }
}

mod evaluation {
    use gradlab::engine::link as codec;
    use gradlab::engine::trainer::Trainer;

    /// Any slicing gives the bits of one whole evaluation.
    #[test]
    fn a_sliced_evaluation_equals_the_whole() {
        for link in [
            "data=digits&loss=softmax&net=32:relu:bn,16:tanh&bs=20",
            "data=spiral&net=8:relu:bn:d0.3,4:tanh&train=50",
            "data=reg-plane&loss=mse&net=6:tanh",
        ] {
            let mut t = Trainer::from_config(&codec::decode(link).0).unwrap();
            for _ in 0..25 {
                t.step();
            }
            let whole = t.evaluate();
            for rows in [1, 7, 64, 256, 300, usize::MAX] {
                let mut e = t.start_evaluation();
                let mut slices = 0;
                let sliced = loop {
                    slices += 1;
                    if let Some(m) = t.evaluate_slice(&mut e, rows) {
                        break m;
                    }
                };
                assert_eq!(format!("{sliced:?}"), format!("{whole:?}"), "{link}, {rows} rows");
                assert_eq!(sliced.train_loss.to_bits(), whole.train_loss.to_bits());
                let n = t.train.len() + t.test.len();
                assert_eq!(slices, n.div_ceil(rows.min(n)).max(1), "{link}, {rows} rows");
            }
        }
    }

    /// A slice of an old step starts over at the new one.
    #[test]
    fn an_evaluation_of_an_older_step_starts_over() {
        let mut t = Trainer::from_config(&codec::decode("data=xor&net=4:tanh").0).unwrap();
        let mut e = t.start_evaluation();
        assert!(t.evaluate_slice(&mut e, 10).is_none());
        t.step();
        let m = loop {
            if let Some(m) = t.evaluate_slice(&mut e, 10) {
                break m;
            }
        };
        assert_eq!(m.step, 1);
        assert_eq!(m.train_loss.to_bits(), t.evaluate().train_loss.to_bits());
    }

    #[test]
    fn slices_divide_or_multiply_the_prediction_chunk() {
        // 2·4 + 4·1 = 12 multiply-adds a row: 1,333,333 rows, cut to a multiple of 256.
        // 64·256 + 7·256² + 256·10 = 477,696 a row: 33 rows, cut to 32.
        let deep = ["256:relu"; 8].join(",");
        for (link, rows) in
            [("data=xor&net=4:tanh".to_string(), 1_333_248), (format!("data=digits&loss=softmax&net={deep}"), 32)]
        {
            let t = Trainer::from_config(&codec::decode(&link).0).unwrap();
            assert_eq!(t.rows_per_slice(), rows, "{link}: {} per row", t.model.forward_macs_per_row());
        }
    }
}
